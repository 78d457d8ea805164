package io.dblock.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One running postgres child process with its own data directory under {@code runRoot/run-*}: initialised by initdb,
 * listening on a free port of 127.0.0.1, with a {@value #DATABASE} database for the tests.
 */
final class PostgresServer {

    static final String USER = "postgres";
    static final String DATABASE = "dblock";
    static final String JVM_PID_FILE = "jvm.pid";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;

    // Durability is worthless for a throw-away test server; the lock settings suit many-session lock tests.
    private static final List<String> SETTINGS = List.of(
            "listen_addresses=127.0.0.1",
            "unix_socket_directories=",
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            "max_connections=300",
            "max_locks_per_transaction=256",
            "deadlock_timeout=100ms");

    final ServerCommands commands;
    final Path instanceDir;
    final int port;
    /** The running postmaster; replaced by {@link #restart()}. */
    volatile Process process;

    private PostgresServer(ServerCommands commands, Path instanceDir, Process process, int port) {
        this.commands = commands;
        this.instanceDir = instanceDir;
        this.process = process;
        this.port = port;
    }

    static PostgresServer start(Path installDir, Path runRoot, ServerUser user) throws IOException {
        Path instanceDir = Files.createTempDirectory(runRoot, "run-");
        try {
            Files.setPosixFilePermissions(instanceDir, PathUtils.RWXR_XR_X);
            Files.writeString(
                    instanceDir.resolve(JVM_PID_FILE),
                    Long.toString(ProcessHandle.current().pid()));
            ServerCommands commands = new ServerCommands(installDir, instanceDir.resolve("data"), user);
            Files.createDirectory(commands.dataDir, PosixFilePermissions.asFileAttribute(PathUtils.RWX_ONLY_OWNER));
            user.takeOwnership(commands.dataDir);
            commands.initdb(instanceDir.resolve("initdb.log"));
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                Process process = commands.postgres(port, SETTINGS);
                if (awaitReady(commands, process, port)) {
                    createDatabase(port);
                    return new PostgresServer(commands, instanceDir, process, port);
                }
                // Another process took the port between our probe and postgres binding it.
                if (attempt == PORT_ATTEMPTS || !commands.logTail().contains("Address already in use")) {
                    throw new IOException("postgres exited with code " + process.exitValue() + " during startup"
                            + commands.logTailForMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                ServerCommands.stopAndDelete(instanceDir, installDir, user);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    void stop() throws IOException {
        commands.stop(process);
        PathUtils.deleteRecursively(instanceDir);
    }

    /**
     * Fast shutdown, then a new postmaster on the same port and data directory, returning once it accepts
     * connections. The caller serialises calls.
     */
    void restart() throws IOException {
        commands.stop(process);
        Process restarted = commands.postgres(port, SETTINGS);
        if (!awaitReady(commands, restarted, port)) {
            throw new IOException("postgres exited with code " + restarted.exitValue() + " while restarting on port "
                    + port + commands.logTailForMessage());
        }
        process = restarted;
    }

    static PGSimpleDataSource dataSource(int port, String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(database);
        dataSource.setUser(USER);
        dataSource.setPassword(USER);
        dataSource.setConnectTimeout(10);
        return dataSource;
    }

    /** Polls with real connections: the only reliable sign that the server accepts them. */
    private static boolean awaitReady(ServerCommands commands, Process process, int port) throws IOException {
        PGSimpleDataSource dataSource = dataSource(port, "postgres");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        List<String> failures = new ArrayList<>();
        while (true) {
            if (!process.isAlive()) {
                return false;
            }
            try {
                dataSource.getConnection().close();
                return true;
            } catch (SQLException e) {
                failures.add(e.getMessage());
            }
            if (System.nanoTime() - deadline >= 0) {
                commands.stop(process);
                throw new IOException("postgres did not accept connections on port " + port + " within "
                        + START_TIMEOUT.toSeconds() + " s; last error: " + failures.get(failures.size() - 1)
                        + commands.logTailForMessage());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                commands.stop(process);
                throw new IOException("Interrupted while starting postgres", e);
            }
        }
    }

    private static void createDatabase(int port) throws IOException {
        try (Connection connection = dataSource(port, "postgres").getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IOException("Cannot create database " + DATABASE, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    static boolean waitFor(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return !handle.isAlive();
        }
    }
}
