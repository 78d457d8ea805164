package io.dblock.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * One running mariadbd child process with its own directory {@code runRoot/run-*}: bootstrapped data, socket, pid file
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
            MariaDbServer.stopAndDelete(instanceDir);
        }
    };

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int PORT_ATTEMPTS = 3;

    final Path instanceDir;
    final int port;
    private final MariaDbCommands commands;
    /** The running mariadbd; replaced by {@link #restart()}. */
    volatile Process process;

    private MariaDbServer(Path instanceDir, MariaDbCommands commands, Process process, int port) {
        this.instanceDir = instanceDir;
        this.commands = commands;
        this.process = process;
        this.port = port;
    }

    static MariaDbServer start(Path installDir, Path runRoot, boolean asRoot) throws IOException {
        // createTempDirectory makes it 0700: root's password-less unix socket inside is for us alone.
        Path instanceDir = Files.createTempDirectory(runRoot, "run-");
        try {
            Files.writeString(
                    instanceDir.resolve(PostgresServer.JVM_PID_FILE),
                    Long.toString(ProcessHandle.current().pid()));
            MariaDbCommands commands = new MariaDbCommands(installDir, instanceDir, asRoot);
            Files.createDirectory(commands.dataDir());
            MariaDbBootstrap.run(commands, instanceDir.resolve("bootstrap.log"));
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                Process process = commands.server(port);
                if (awaitReady(commands, process, port)) {
                    return new MariaDbServer(instanceDir, commands, process, port);
                }
                // Another process took the port between our probe and mariadbd binding it.
                String log = MariaDbCommands.tail(commands.logFile());
                if (attempt == PORT_ATTEMPTS || !log.contains("Address already in use")) {
                    throw new IOException("mariadbd exited with code " + process.exitValue() + " during startup"
                            + MariaDbCommands.tailForMessage(commands.logFile()));
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                stopAndDelete(instanceDir);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    void stop() throws IOException {
        MariaDbCommands.stop(process.toHandle());
        PathUtils.deleteRecursively(instanceDir);
    }

    /**
     * Normal shutdown (SIGTERM), then a new mariadbd on the same port and data directory, returning once it accepts
     * connections. The caller serialises calls.
     */
    void restart() throws IOException {
        MariaDbCommands.stop(process.toHandle());
        Process restarted = commands.server(port);
        if (!awaitReady(commands, restarted, port)) {
            throw new IOException("mariadbd exited with code " + restarted.exitValue() + " while restarting on port "
                    + port + MariaDbCommands.tailForMessage(commands.logFile()));
        }
        process = restarted;
    }

    /** Stops a server left in {@code instanceDir} (if any) and deletes the directory. */
    static void stopAndDelete(Path instanceDir) throws IOException {
        MariaDbCommands.server(instanceDir).ifPresent(MariaDbCommands::stop);
        PathUtils.deleteRecursively(instanceDir);
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

    /** Polls with real connections: the only reliable sign that the server accepts them. */
    private static boolean awaitReady(MariaDbCommands commands, Process process, int port) throws IOException {
        DataSource dataSource = dataSource(port);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String lastError = "none";
        while (true) {
            if (!process.isAlive()) {
                return false;
            }
            try {
                dataSource.getConnection().close();
                return true;
            } catch (SQLException e) {
                lastError = e.getMessage();
            }
            if (System.nanoTime() - deadline >= 0) {
                MariaDbCommands.stop(process.toHandle());
                throw new IOException("mariadbd did not accept connections on port " + port + " within "
                        + START_TIMEOUT.toSeconds() + " s; last error: " + lastError
                        + MariaDbCommands.tailForMessage(commands.logFile()));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                MariaDbCommands.stop(process.toHandle());
                throw new IOException("Interrupted while starting mariadbd", e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
