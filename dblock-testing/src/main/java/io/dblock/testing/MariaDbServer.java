package io.dblock.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * Starts one mariadbd child process with its own directory {@code runRoot/run-*}: bootstrapped data, socket, pid file
 * and log, listening on a free port of 127.0.0.1, with a {@value #DATABASE} database and user for the tests.
 */
final class MariaDbServer {

    static final String USER = "dblock";
    static final String PASSWORD = "dblock";
    static final String DATABASE = "dblock";

    /** How {@link StaleInstances} finds and stops the mariadbd of a run directory that a dead JVM left behind. */
    static final StaleInstances.Server STALE = new StaleInstances.Server() {
        @Override
        public Optional<ProcessHandle> find(Path instanceDir) throws IOException {
            return MariaDbCommands.server(instanceDir);
        }

        @Override
        public Path pidFile(Path instanceDir) {
            return MariaDbCommands.pidFile(instanceDir);
        }

        @Override
        public void stopAndDelete(Path instanceDir) throws IOException {
            MariaDbCommands.server(instanceDir).ifPresent(MariaDbCommands::terminate);
            PathUtils.deleteRecursively(instanceDir);
        }
    };

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private MariaDbServer() {}

    /** Bootstraps a new instance directory and starts mariadbd on it, returning once it accepts connections. */
    static ServerProcess start(Path installDir, Path runRoot, boolean asRoot) throws IOException {
        // The instance directory stays 0700: root's password-less unix socket inside is for us alone.
        return ServerProcess.startInNewDirectory(runRoot, STALE, instanceDir -> {
            MariaDbCommands commands = new MariaDbCommands(installDir, instanceDir, asRoot);
            Files.createDirectory(commands.dataDir());
            MariaDbBootstrap.run(commands, instanceDir.resolve("bootstrap.log"));
            return ServerProcess.startOnFreePort(instanceDir, commands, START_TIMEOUT);
        });
    }

    static MariaDbDataSource dataSource(int port) {
        try {
            MariaDbDataSource dataSource = new MariaDbDataSource(
                    "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE + "?connectTimeout=10000");
            dataSource.setUser(USER);
            dataSource.setPassword(PASSWORD);
            return dataSource;
        } catch (SQLException e) {
            throw new IllegalStateException("The MariaDB driver rejected its own URL", e);
        }
    }
}
