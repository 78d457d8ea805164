package io.dblock.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Starts one postgres child process with its own data directory under {@code runRoot/run-*}: initialised by initdb,
 * listening on a free port of 127.0.0.1, with a {@value #DATABASE} database for the tests.
 */
final class PostgresServer {

    static final String USER = "postgres";
    static final String DATABASE = "dblock";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private PostgresServer() {}

    /** Initialises a new instance directory and starts postgres on it, returning once the test database exists. */
    static ServerProcess start(Path installDir, Path runRoot, ServerUser user) throws IOException {
        return start(installDir, runRoot, user, List.of());
    }

    /**
     * {@link #start(Path, Path, ServerUser)} with more {@code name=value} server settings, see {@link ServerCommands}.
     */
    static ServerProcess start(Path installDir, Path runRoot, ServerUser user, List<String> extraSettings)
            throws IOException {
        return ServerProcess.startInNewDirectory(runRoot, stale(installDir, user), instanceDir -> {
            Files.setPosixFilePermissions(instanceDir, PathUtils.RWXR_XR_X);
            ServerCommands commands = new ServerCommands(installDir, instanceDir.resolve("data"), user, extraSettings);
            Files.createDirectory(commands.dataDir, PosixFilePermissions.asFileAttribute(PathUtils.RWX_ONLY_OWNER));
            user.takeOwnership(commands.dataDir);
            commands.initdb(instanceDir.resolve("initdb.log"));
            ServerProcess server = ServerProcess.startOnFreePort(instanceDir, commands, START_TIMEOUT);
            createDatabase(server.port);
            return server;
        });
    }

    /** How {@link StaleInstances} finds and stops the postgres of a run directory that a dead JVM left behind. */
    static StaleInstances.Server stale(Path installDir, ServerUser user) {
        return new StaleInstances.Server() {
            @Override
            public Optional<ProcessHandle> find(Path instanceDir) throws IOException {
                return ServerCommands.postmaster(instanceDir.resolve("data"));
            }

            @Override
            public Path pidFile(Path instanceDir) {
                return instanceDir.resolve("data").resolve("postmaster.pid");
            }

            @Override
            public void stopAndDelete(Path instanceDir) throws IOException {
                new ServerCommands(installDir, instanceDir.resolve("data"), user).stop(null);
                PathUtils.deleteRecursively(instanceDir);
            }
        };
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

    private static void createDatabase(int port) throws IOException {
        try (Connection connection = dataSource(port, "postgres").getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IOException("Cannot create database " + DATABASE, e);
        }
    }
}
