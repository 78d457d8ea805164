package io.dblock.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Runs the mariadbd of one installation on one instance directory: bootstrap, server, stop. */
final class MariaDbCommands implements ServerProcess.Launcher {

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    // Durability and TLS are worthless for a throw-away server on 127.0.0.1. TLS costs the most: 11.4 generates a
    // 4096-bit RSA key at every start unless --skip-ssl, 2 to 9 seconds of CPU. performance_schema with the MDL
    // instrument is what lists user-level locks (GET_LOCK) in performance_schema.metadata_locks.
    private static final List<String> SERVER_SETTINGS = List.of(
            "--bind-address=127.0.0.1",
            "--skip-name-resolve",
            "--skip-log-bin",
            "--performance-schema=ON",
            "--performance-schema-instrument=wait/lock/metadata/sql/mdl=ON",
            "--innodb-flush-log-at-trx-commit=0",
            "--max-connections=300",
            "--character-set-server=utf8mb4");

    final Path installDir;
    final Path instanceDir;
    private final boolean asRoot;

    MariaDbCommands(Path installDir, Path instanceDir, boolean asRoot) {
        this.installDir = installDir;
        this.instanceDir = instanceDir;
        this.asRoot = asRoot;
    }

    Path dataDir() {
        return instanceDir.resolve("data");
    }

    @Override
    public Path logFile() {
        return instanceDir.resolve("mariadbd.log");
    }

    static Path pidFile(Path instanceDir) {
        return instanceDir.resolve("mariadbd.pid");
    }

    /** A mariadbd command line with the options that bootstrap and server must agree on, then {@code args}. */
    ProcessBuilder mariadbd(List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                installDir.resolve("bin").resolve("mariadbd").toString(),
                "--no-defaults", // must come first: never read /etc/mysql/my.cnf or ~/.my.cnf
                "--basedir=" + installDir,
                "--datadir=" + dataDir(),
                "--lc-messages-dir=" + installDir.resolve("share"),
                "--plugin-dir=" + installDir.resolve("lib").resolve("plugin"),
                "--innodb-buffer-pool-size=64M",
                "--innodb-log-file-size=8M",
                "--skip-ssl",
                // Its own temporary directory: with the default (/tmp) a bootstrap was seen to fail when another
                // server's clean-up removed its #sql-temptable files ("Error on delete of '/tmp/#sql-temptable-...'").
                "--tmpdir=" + instanceDir));
        if (asRoot) {
            // mariadbd refuses to run as root unless told to; as root we own everything it touches anyway.
            command.add("--user=root");
        }
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(instanceDir.toFile());
        builder.redirectErrorStream(true);
        // English messages: the log is searched for "Address already in use".
        builder.environment().put("LC_ALL", "C");
        builder.environment().put("LANG", "C");
        builder.environment().keySet().removeIf(name -> name.startsWith("MYSQL") || name.startsWith("MARIADB"));
        return builder;
    }

    @Override
    public String program() {
        return "mariadbd";
    }

    @Override
    public Process launch(int port) throws IOException {
        List<String> args = new ArrayList<>(SERVER_SETTINGS);
        args.add("--port=" + port);
        // The socket cannot be turned off; keeping it in our own directory avoids clashing with anyone else's.
        args.add("--socket=" + instanceDir.resolve("mariadbd.sock"));
        args.add("--pid-file=" + pidFile(instanceDir));
        // Appended, so that a restart keeps the log of the earlier run.
        return mariadbd(args)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
    }

    @Override
    public void stop(Process server) {
        terminate(server.toHandle());
    }

    @Override
    public DataSource readinessProbe(int port) {
        return MariaDbServer.dataSource(port);
    }

    /** SIGTERM, which mariadbd handles as a normal shutdown, then SIGKILL if it does not exit in time. */
    static void terminate(ProcessHandle server) {
        server.destroy();
        if (!ServerProcess.awaitExit(server, STOP_TIMEOUT)) {
            server.destroyForcibly();
            ServerProcess.awaitExit(server, STOP_TIMEOUT);
        }
    }

    /** The server named by the instance's pid file, if that process still exists and runs mariadbd. */
    static Optional<ProcessHandle> server(Path instanceDir) throws IOException {
        Path pidFile = pidFile(instanceDir);
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        String pid = Files.readString(pidFile).strip();
        if (!pid.matches("\\d+")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(pid))
                .filter(handle -> handle.info().command().orElse("").endsWith("mariadbd"));
    }
}
