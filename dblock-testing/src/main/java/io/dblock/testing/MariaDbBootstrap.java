package io.dblock.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates a MariaDB data directory: what {@code mariadb-install-db} does, minus the shell script.
 *
 * <p>The script only pipes the SQL files of {@code share/} into {@code mariadbd --bootstrap}; doing that here avoids its
 * needs ({@code /bin/sh}, {@code resolveip}, a resolvable host name, chown of PAM helpers when run with {@code --user}),
 * skips the help tables and GIS procedures nobody needs in a test (the slowest part), and lets the same pass create
 * the test user and database. The file names changed from {@code mysql_*.sql} (10.x) to {@code mariadb_*.sql} (11.x).
 */
final class MariaDbBootstrap {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    // The order of mariadb-install-db, without fill_help_tables and maria_add_gis_sp_bootstrap.
    private static final List<String> SCRIPTS =
            List.of("system_tables", "performance_tables", "system_tables_data", "sys_schema");

    private MariaDbBootstrap() {}

    static void run(MariaDbCommands commands, Path log) throws IOException {
        List<Path> scripts = new ArrayList<>();
        for (String script : SCRIPTS) {
            scripts.add(sqlFile(commands.installDir.resolve("share"), script));
        }
        Process process = commands.mariadbd(List.of("--bootstrap", "--log-warnings=0", "--enforce-storage-engine="))
                .redirectOutput(log.toFile())
                .start();
        // --bootstrap reads one statement per line from stdin; the files are written for exactly that.
        try (OutputStream in = process.getOutputStream()) {
            in.write(prologue().getBytes(StandardCharsets.UTF_8));
            for (Path script : scripts) {
                Files.copy(script, in);
                in.write('\n');
            }
            in.write(testUserAndDatabase().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // A broken pipe means mariadbd exited early; its log says why.
            process.destroyForcibly();
            throw new IOException(
                    "mariadbd --bootstrap stopped reading its SQL: " + e.getMessage() + ServerLog.tailForMessage(log));
        }
        int exit = ServerProcess.awaitExitCode(process, TIMEOUT, "mariadbd --bootstrap");
        if (exit != 0) {
            throw new IOException(
                    "mariadbd --bootstrap failed (exit code " + exit + ")" + ServerLog.tailForMessage(log));
        }
    }

    private static Path sqlFile(Path share, String script) throws IOException {
        for (String prefix : List.of("mariadb_", "mysql_")) {
            Path file = share.resolve(prefix + script + ".sql");
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IOException("Neither mariadb_" + script + ".sql nor mysql_" + script + ".sql in " + share);
    }

    /** What mariadb-install-db sends first; a NULL socket user means root gets no unix_socket authentication. */
    private static String prologue() {
        return String.join(
                "\n", "CREATE DATABASE IF NOT EXISTS mysql;", "USE mysql;", "SET @auth_root_socket=NULL;", "");
    }

    /**
     * Removes anonymous users and root's TCP accounts (root keeps only the unix socket, in a directory only we can
     * enter), then creates the test database and a password-protected test user with every privilege, so tests can
     * KILL and inspect other sessions. CREATE USER needs the grant tables loaded, which --bootstrap skips until FLUSH
     * PRIVILEGES.
     */
    private static String testUserAndDatabase() {
        String user = "'" + MariaDbServer.USER + "'@'%'";
        return String.join(
                "\n",
                "FLUSH PRIVILEGES;",
                "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');",
                "DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';",
                "FLUSH PRIVILEGES;",
                "CREATE DATABASE " + MariaDbServer.DATABASE + " CHARACTER SET utf8mb4;",
                "CREATE USER " + user + " IDENTIFIED BY '" + MariaDbServer.PASSWORD + "';",
                "GRANT ALL PRIVILEGES ON *.* TO " + user + " WITH GRANT OPTION;",
                "");
    }
}
