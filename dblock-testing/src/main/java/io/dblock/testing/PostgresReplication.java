package io.dblock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two new PostgreSQL servers of the embedded binaries (see {@link EmbeddedPostgres}), a primary and a hot standby that
 * streams its WAL, for tests of what a lock client sees on a replica and across a failover.
 *
 * <p>{@link #start()} initialises a primary of its own (not {@link EmbeddedPostgres#shared()}) with the embedded
 * server's test settings plus {@code wal_level=replica}, {@code max_wal_senders=5}, {@code wal_keep_size=256MB},
 * {@code hot_standby=on} and {@code wal_retrieve_retry_interval=100ms} (so that a standby reconnects quickly after its
 * primary restarts), and creates the database {@value PostgresServer#DATABASE}. It then builds the standby the way a
 * base backup does, without {@code pg_basebackup} (which the binaries lack): {@code pg_backup_start}, a file copy of
 * the data directory, {@code pg_backup_stop}, then {@code backup_label}, {@code standby.signal} and a {@code
 * primary_conninfo} with {@code application_name=}{@value #APPLICATION_NAME}. Both servers listen on free ports of
 * 127.0.0.1, trust every connection, and run as {@code nobody} if the JVM runs as root; their directories are {@code
 * run-*} directories next to the embedded server's, under {@code ${java.io.tmpdir}/dblock-embedded-postgres/}.
 *
 * <p>Hot standbys grant advisory locks ({@code pg_try_advisory_lock} returns true on a replica, independently of the
 * primary's locks), which is why a lock client must not take locks on a replica; this class lets tests show it.
 *
 * <p>{@link #close()} stops both servers and deletes their data; if it is never called, a JVM shutdown hook does.
 * Linux and macOS only ({@link #unavailableReason()}). Instances are thread-safe.
 */
public final class PostgresReplication implements AutoCloseable {

    /** The {@code application_name} the standby connects to its primary with, as {@code pg_stat_replication} shows. */
    static final String APPLICATION_NAME = "dblock_replica";

    private static final System.Logger LOG = System.getLogger(PostgresReplication.class.getName());

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final List<String> SETTINGS = List.of(
            "wal_level=replica",
            "max_wal_senders=5",
            "wal_keep_size=256MB",
            "hot_standby=on",
            "wal_retrieve_retry_interval=100ms");

    /** Top-level files of a data directory that a base backup leaves out; {@code postgres.log} is this kit's log. */
    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "postgres.log");

    /** Directories whose contents a base backup leaves out, as pg_basebackup does; the directories stay. */
    private static final Set<String> EMPTIED_DIRECTORIES = Set.of(
            "pg_wal",
            "pg_replslot",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_stat_tmp",
            "pg_subtrans");

    private final Path installDir;
    private final ServerUser user;
    private final ServerProcess primary;
    private final ServerProcess replica;
    private final Node primaryNode;
    private final Node replicaNode;
    private final Thread shutdownHook;
    private boolean closed;

    private PostgresReplication(
            Path installDir, ServerUser user, ServerProcess primary, ServerProcess replica, String version) {
        this.installDir = installDir;
        this.user = user;
        this.primary = primary;
        this.replica = replica;
        this.primaryNode = new Node("primary", primary.port, version);
        this.replicaNode = new Node("replica", replica.port, version);
        this.shutdownHook = new Thread(
                this::closeQuietly, "dblock-postgres-replication-" + primary.port + "-" + replica.port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Says why no replication can be started here, so that tests can skip ({@code
     * Assumptions.assumeTrue(PostgresReplication.unavailableReason().isEmpty(), ...)}). Starts nothing; when the JVM
     * runs as root it runs {@code id -u nobody} to find the user the servers would run as.
     *
     * @return why not: the operating system is not Linux or macOS, no embedded PostgreSQL binaries are on the class
     *     path, or a root JVM has no way to run the servers as {@code nobody}; empty if {@link #start()} can work
     */
    public static Optional<String> unavailableReason() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        boolean supportedOs = os.startsWith("linux") || os.startsWith("mac") || os.startsWith("darwin");
        if (!supportedOs
                || !FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Optional.of("the embedded PostgreSQL replication supports Linux and macOS only, not "
                    + System.getProperty("os.name"));
        }
        try {
            PostgresBinaries.locateArchive();
            ServerUser.detect();
        } catch (IOException | RuntimeException e) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Starts a new primary and a hot standby streaming from it, and returns once the standby is in recovery and the
     * primary's {@code pg_stat_replication} shows it {@code streaming}; typically in two to four seconds (initdb, a
     * fast checkpoint, the copy of about 40 MB, two server starts), at most about a minute and a half.
     *
     * @return the running pair; close it
     * @throws IOException if a server does not start, the copy fails, or the standby does not stream within 30 s; the
     *     message ends with the failing server's log. Whatever was started is stopped and deleted again.
     * @throws IllegalStateException if {@link #unavailableReason()} is not empty
     */
    public static PostgresReplication start() throws IOException {
        Optional<String> unavailable = unavailableReason();
        if (unavailable.isPresent()) {
            throw new IllegalStateException("Cannot start a PostgreSQL replication: " + unavailable.get());
        }
        long start = System.nanoTime();
        ServerUser user = ServerUser.detect();
        Path baseDir = PathUtils.createSharedTempDirectory("dblock-embedded-postgres");
        Path installDir = PostgresBinaries.install(baseDir);
        user.checkCanTraverse(installDir);
        StaleInstances.clean(baseDir, "PostgreSQL", PostgresServer.stale(installDir, user));
        ServerProcess primary = PostgresServer.start(installDir, baseDir, user, SETTINGS);
        ServerProcess replica = null;
        try {
            replica = startReplica(installDir, baseDir, user, primary);
            ServerProcess standby = replica;
            awaitTrue(
                    "the replica on port " + replica.port + " to be in recovery",
                    standby,
                    () -> queryBoolean(dataSource(standby.port), "SELECT pg_is_in_recovery()"));
            awaitTrue(
                    "pg_stat_replication on the primary to show the replica streaming",
                    standby,
                    () -> queryBoolean(
                            dataSource(primary.port),
                            "SELECT count(*) > 0 FROM pg_stat_replication WHERE application_name = '" + APPLICATION_NAME
                                    + "' AND state = 'streaming'"));
            String version = ExternalPostgres.queryServerVersion(dataSource(primary.port));
            PostgresReplication replication = new PostgresReplication(installDir, user, primary, replica, version);
            LOG.log(
                    Level.INFO,
                    "PostgreSQL {0} replication started in {1} ms: primary on 127.0.0.1:{2} (data in {3}),"
                            + " streaming replica on 127.0.0.1:{4} (data in {5})",
                    version,
                    Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)),
                    Integer.toString(primary.port),
                    primary.instanceDir,
                    Integer.toString(replica.port),
                    replica.instanceDir);
            return replication;
        } catch (IOException | RuntimeException | Error e) {
            for (ServerProcess server : replica == null ? List.of(primary) : List.of(replica, primary)) {
                try {
                    server.stop();
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /**
     * Builds the standby's data directory from an online copy of the primary's and starts it on a free port, returning
     * once it accepts connections (a hot standby does once its copy is consistent).
     */
    private static ServerProcess startReplica(Path installDir, Path baseDir, ServerUser user, ServerProcess primary)
            throws IOException {
        return ServerProcess.startInNewDirectory(baseDir, PostgresServer.stale(installDir, user), instanceDir -> {
            Files.setPosixFilePermissions(instanceDir, PathUtils.RWXR_XR_X);
            Path source = primary.instanceDir.resolve("data");
            Path target = instanceDir.resolve("data");
            try (Connection session =
                            PostgresServer.dataSource(primary.port, "postgres").getConnection();
                    Statement statement = session.createStatement()) {
                // fast checkpoint; the backup stays open for this session only (non-exclusive)
                statement.execute("SELECT pg_backup_start('dblock-replica', true)");
                copyDataDirectory(source, target);
                try (ResultSet rs = statement.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                    rs.next();
                    writeOwnerOnly(target.resolve("backup_label"), rs.getString(1));
                    String tablespaceMap = rs.getString(2);
                    if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
                        writeOwnerOnly(target.resolve("tablespace_map"), tablespaceMap);
                    }
                }
            } catch (SQLException e) {
                throw new IOException("Cannot take a base backup of the primary on port " + primary.port, e);
            }
            writeOwnerOnly(target.resolve("standby.signal"), "");
            Files.writeString(
                    target.resolve("postgresql.auto.conf"),
                    "\n# added by dblock-testing's PostgresReplication\nprimary_conninfo = 'host=127.0.0.1 port="
                            + primary.port + " user=" + PostgresServer.USER + " application_name="
                            + APPLICATION_NAME + "'\n",
                    StandardOpenOption.APPEND);
            Files.setPosixFilePermissions(target, PathUtils.RWX_ONLY_OWNER);
            takeOwnershipRecursively(user, target);
            return ServerProcess.startOnFreePort(
                    instanceDir, new ServerCommands(installDir, target, user, SETTINGS), TIMEOUT);
        });
    }

    /**
     * Copies a running server's data directory as a base backup needs it: attributes kept, symbolic links copied as
     * links, the files in {@link #SKIPPED_FILES} and {@code pg_internal.init} left out, and the directories of {@link
     * #EMPTIED_DIRECTORIES} and {@code pgsql_tmp} copied empty ({@code pg_wal} with its empty subdirectories, such as
     * {@code archive_status}). A file that disappears during the copy is left out, as WAL replay recreates it.
     */
    private static void copyDataDirectory(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path relative = source.relativize(dir);
                Files.copy(dir, target.resolve(relative.toString()), StandardCopyOption.COPY_ATTRIBUTES);
                String name = relative.toString();
                if (name.equals("pg_wal")) {
                    try (Stream<Path> children = Files.list(dir)) {
                        for (Path child : (Iterable<Path>) children::iterator) {
                            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                                Files.copy(
                                        child,
                                        target.resolve(source.relativize(child).toString()),
                                        StandardCopyOption.COPY_ATTRIBUTES);
                            }
                        }
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (EMPTIED_DIRECTORIES.contains(name)
                        || (dir.getFileName() != null
                                && dir.getFileName().toString().equals("pgsql_tmp"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = source.relativize(file);
                if ((relative.getNameCount() == 1 && SKIPPED_FILES.contains(relative.toString()))
                        || file.getFileName().toString().equals("pg_internal.init")) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(
                            file,
                            target.resolve(relative.toString()),
                            StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    // dropped by the server meanwhile; the WAL from the backup's start point recreates what matters
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, TarXz.permissions(0600));
    }

    private static void takeOwnershipRecursively(ServerUser user, Path root) throws IOException {
        if (!user.switchesUser()) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (!Files.isSymbolicLink(path)) {
                    user.takeOwnership(path);
                }
            }
        }
    }

    /**
     * Returns the primary, where writes go.
     *
     * <p>After {@link #stopPrimaryImmediately()} it refuses connections until {@link #restartPrimary()}; after {@link
     * #promote()} it is still the old primary (port {@link #primaryPort()}), not the promoted replica.
     *
     * @return the primary's test database {@value PostgresServer#DATABASE} as superuser {@value PostgresServer#USER}
     *     at {@code jdbc:postgresql://127.0.0.1:<primaryPort>/dblock}; the same instance on every call
     */
    public TestDatabase primary() {
        return primaryNode;
    }

    /**
     * Returns the hot standby: read-only (writes fail with SQLSTATE 25006) until {@link #promote()}, yet granting
     * advisory locks.
     *
     * @return the replica's test database {@value PostgresServer#DATABASE} as superuser {@value PostgresServer#USER}
     *     at {@code jdbc:postgresql://127.0.0.1:<replicaPort>/dblock}; the same instance on every call
     */
    public TestDatabase replica() {
        return replicaNode;
    }

    /**
     * Returns the TCP port the primary listens on at 127.0.0.1; it stays the same across {@link #restartPrimary()}.
     *
     * @return a port that was free when the primary started
     */
    public int primaryPort() {
        return primary.port;
    }

    /**
     * Returns the TCP port the replica listens on at 127.0.0.1; it stays the same across {@link #promote()}.
     *
     * @return a port that was free when the replica started
     */
    public int replicaPort() {
        return replica.port;
    }

    /**
     * Returns a pgjdbc multi-host URL of both servers, primary first, for tests of clients that fail over by
     * connecting to whichever host is (or is not) a primary.
     *
     * @param query the URL's query string without the {@code ?}, for example {@code
     *     "targetServerType=primary&loadBalanceHosts=false"}; may be empty
     * @return {@code jdbc:postgresql://127.0.0.1:<primaryPort>,127.0.0.1:<replicaPort>/dblock?} followed by {@code
     *     query}
     */
    public String multiHostUrl(String query) {
        Objects.requireNonNull(query, "query");
        return "jdbc:postgresql://127.0.0.1:" + primary.port + ",127.0.0.1:" + replica.port + "/"
                + PostgresServer.DATABASE + "?" + query;
    }

    /**
     * Stops the primary as a crash would: {@code pg_ctl stop -m immediate}, so its sessions break without a clean
     * shutdown or a final checkpoint, and its data stays for {@link #restartPrimary()} (which then runs crash
     * recovery). The replica keeps running, in recovery, trying to reconnect. Returns once the primary's postmaster has
     * exited (typically well under a second, at most about 25 s, after which it is killed). Calling it when the primary
     * is already stopped does nothing.
     *
     * @throws IOException if pg_ctl cannot be run
     * @throws IllegalStateException if this replication was closed
     */
    public synchronized void stopPrimaryImmediately() throws IOException {
        checkOpen();
        new ServerCommands(installDir, primary.instanceDir.resolve("data"), user, SETTINGS)
                .stopImmediately(primary.process());
    }

    /**
     * Promotes the replica to a primary: runs {@code SELECT pg_promote(true, 30)} on it (wait for the promotion, up to
     * 30 s), then waits until {@code pg_is_in_recovery()} is false there. Afterwards {@link #replica()} accepts writes
     * and has every transaction it had received; it does not stream from, nor to, the old primary any more.
     *
     * @throws SQLException if the replica cannot be reached or refuses (for example, when it is not in recovery any
     *     more: promoted already)
     * @throws IllegalStateException if this replication was closed, or the replica still is in recovery after 30 s
     */
    public synchronized void promote() throws SQLException {
        checkOpen();
        DataSource replicaSource = dataSource(replica.port);
        if (!queryBoolean(replicaSource, "SELECT pg_promote(true, " + TIMEOUT.toSeconds() + ")")) {
            throw new IllegalStateException("pg_promote on the replica on port " + replica.port + " did not finish in "
                    + TIMEOUT.toSeconds() + " s" + logTail(replica));
        }
        try {
            awaitTrue(
                    "the promoted replica on port " + replica.port + " to leave recovery",
                    replica,
                    () -> !queryBoolean(replicaSource, "SELECT pg_is_in_recovery()"));
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Stops the primary with a fast shutdown ({@code pg_ctl stop -m fast}: transactions rolled back, clients
     * disconnected), or not at all if it is stopped already ({@link #stopPrimaryImmediately()}), and starts it again on
     * the same port and data directory. Returns once it accepts connections and, if the replica is still a standby,
     * once the replica streams from it again; typically in a second or two.
     *
     * <p>After {@link #promote()} this starts the old primary beside the promoted replica: two primaries of diverged
     * histories, as after a split brain.
     *
     * @throws IOException if the primary does not start again within 30 s (its log ends the message), or the standby
     *     does not stream again within 30 s
     * @throws IllegalStateException if this replication was closed
     */
    public synchronized void restartPrimary() throws IOException {
        checkOpen();
        primary.restart();
        DataSource replicaSource = dataSource(replica.port);
        boolean standby;
        try {
            standby = queryBoolean(replicaSource, "SELECT pg_is_in_recovery()");
        } catch (SQLException e) {
            throw new IOException("Cannot ask the replica on port " + replica.port + " whether it is in recovery", e);
        }
        if (standby) {
            awaitTrue(
                    "pg_stat_replication on the restarted primary to show the replica streaming",
                    replica,
                    () -> queryBoolean(
                            dataSource(primary.port),
                            "SELECT count(*) > 0 FROM pg_stat_replication WHERE application_name = '" + APPLICATION_NAME
                                    + "' AND state = 'streaming'"));
        }
    }

    /**
     * Stops both servers (fast shutdown; one that is stopped already is skipped) and deletes their directories, data
     * and logs included. Idempotent; afterwards every other method but the accessors throws {@link
     * IllegalStateException}.
     *
     * @throws UncheckedIOException if a server cannot be stopped or its directory deleted; the other is still stopped
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting already: the hook calls close() too, which then does nothing
            }
        }
        List<IOException> failures = new ArrayList<>();
        for (ServerProcess server : List.of(replica, primary)) {
            try {
                server.stop();
            } catch (IOException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            UncheckedIOException failure =
                    new UncheckedIOException("Cannot stop " + this + " completely", failures.get(0));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "stopping " + this + " at JVM exit failed", e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " was closed");
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL replication (primary 127.0.0.1:" + primary.port + ", replica 127.0.0.1:" + replica.port
                + ")";
    }

    private static PGSimpleDataSource dataSource(int port) {
        return PostgresServer.dataSource(port, PostgresServer.DATABASE);
    }

    private static boolean queryBoolean(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Polls {@code condition} until it is true, at most {@link #TIMEOUT}; a condition that throws counts as false
     * (the server may not accept connections yet).
     *
     * @param server whose log ends the message on a timeout
     * @throws IOException on the timeout, or if interrupted
     */
    private static void awaitTrue(String description, ServerProcess server, Callable<Boolean> condition)
            throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String lastError = "none";
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception e) {
                lastError = e.getMessage();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IOException("Timed out after " + TIMEOUT.toSeconds() + " s waiting for " + description
                        + "; last error: " + lastError + logTail(server));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for " + description, e);
            }
        }
    }

    private static String logTail(ServerProcess server) {
        try {
            return ServerLog.tailForMessage(server.instanceDir.resolve("data").resolve("postgres.log"));
        } catch (IOException e) {
            return " (its log cannot be read: " + e.getMessage() + ")";
        }
    }

    /** One server of the pair, as a {@link TestDatabase}. */
    private static final class Node implements TestDatabase {

        private final String role;
        private final int port;
        private final String version;

        Node(String role, int port, String version) {
            this.role = role;
            this.port = port;
            this.version = version;
        }

        @Override
        public String engine() {
            return "PostgreSQL";
        }

        @Override
        public PGSimpleDataSource dataSource() {
            return PostgresReplication.dataSource(port);
        }

        @Override
        public String jdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + PostgresServer.DATABASE;
        }

        @Override
        public String user() {
            return PostgresServer.USER;
        }

        @Override
        public String password() {
            return PostgresServer.USER;
        }

        @Override
        public String serverVersion() {
            return version;
        }

        @Override
        public String toString() {
            return "embedded PostgreSQL " + version + " " + role + " at " + jdbcUrl();
        }
    }
}
