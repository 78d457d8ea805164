package io.dblock.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PgBouncer (the system's {@code pgbouncer} binary, Debian's package {@code pgbouncer}) started in front of a
 * PostgreSQL test server, in transaction or session pooling, so that tests can check what a client sees behind it.
 *
 * <p>Configuration: one wildcard database entry pointing at the server (its user and password), {@code auth_type =
 * any} for clients, {@code default_pool_size} as given, {@code ignore_startup_parameters = extra_float_digits} (pgjdbc
 * sends it, PgBouncer 1.18 refuses unknown parameters otherwise), listening on a free port of 127.0.0.1. PgBouncer
 * refuses to run as root, so a root JVM runs it as {@code nobody} (via {@code setpriv} or {@code runuser}), as it runs
 * the embedded PostgreSQL. {@link #close()} stops it (SIGTERM, then SIGKILL) and deletes its directory.
 *
 * <p>Where the binary is missing, {@link #unavailableReason()} says so and how to install it; tests skip with that
 * reason ({@code Assumptions.assumeTrue(PgBouncer.unavailableReason().isEmpty(), ...)}).
 */
public final class PgBouncer implements AutoCloseable {

    /** PgBouncer's {@code pool_mode}. */
    public enum PoolMode {
        /** A server session is the client's for the length of each transaction ({@code pool_mode = transaction}). */
        TRANSACTION,
        /** A server session is the client's for the length of its connection ({@code pool_mode = session}). */
        SESSION
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/pgbouncer"), Path.of("/usr/bin/pgbouncer"));

    private final Path directory;
    private final ServerProcess process;
    private final PoolMode mode;
    private final TestDatabase postgres;
    private boolean closed;

    private PgBouncer(Path directory, ServerProcess process, PoolMode mode, TestDatabase postgres) {
        this.directory = directory;
        this.process = process;
        this.mode = mode;
        this.postgres = postgres;
        this.shutdownHook = new Thread(this::closeQuietly, "dblock-pgbouncer-" + process.port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Stops PgBouncer when the JVM exits without {@link #close()} (a test run ended early). */
    private final Thread shutdownHook;

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            System.getLogger(PgBouncer.class.getName())
                    .log(System.Logger.Level.WARNING, "stopping " + this + " at JVM exit failed", e);
        }
    }

    /** Why no PgBouncer can start here (the binary is missing), or empty if one can. */
    public static Optional<String> unavailableReason() {
        return binary().isPresent()
                ? Optional.empty()
                : Optional.of("no pgbouncer binary in " + CANDIDATES + " (install it: apt-get install pgbouncer)");
    }

    private static Optional<Path> binary() {
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * Starts a PgBouncer in front of {@code postgres} and returns once it accepts clients.
     *
     * @param postgres the PostgreSQL server to pool connections to (its {@code jdbcUrl} names host and port)
     * @param mode transaction or session pooling
     * @param defaultPoolSize server sessions per database and user ({@code default_pool_size}), at least 1
     * @throws IllegalStateException if the binary is missing ({@link #unavailableReason()})
     * @throws IOException if it does not start; the message ends with its log
     */
    public static PgBouncer start(TestDatabase postgres, PoolMode mode, int defaultPoolSize) throws IOException {
        return start(postgres, mode, defaultPoolSize, Map.of());
    }

    /**
     * {@link #start(TestDatabase, PoolMode, int)} with more settings for the {@code [pgbouncer]} section, such as
     * {@code idle_transaction_timeout = 2}.
     *
     * @param settings setting names ({@code [a-z_]+}) and values (one line each, no {@code ;} or {@code #})
     * @throws IllegalArgumentException for a malformed name or value
     */
    public static PgBouncer start(
            TestDatabase postgres, PoolMode mode, int defaultPoolSize, Map<String, String> settings)
            throws IOException {
        Objects.requireNonNull(settings, "settings");
        StringBuilder extra = new StringBuilder();
        settings.forEach((name, value) -> {
            if (!name.matches("[a-z_]+") || !value.matches("[^\\r\\n;#]*")) {
                throw new IllegalArgumentException("malformed PgBouncer setting: " + name + " = " + value);
            }
            extra.append(name).append(" = ").append(value).append('\n');
        });
        Objects.requireNonNull(postgres, "postgres");
        Objects.requireNonNull(mode, "mode");
        if (defaultPoolSize < 1) {
            throw new IllegalArgumentException("defaultPoolSize must be at least 1: " + defaultPoolSize);
        }
        Path binary = binary().orElseThrow(
                        () -> new IllegalStateException(unavailableReason().orElseThrow()));
        ServerUser user = ServerUser.detect();
        Path directory = Files.createTempDirectory("dblock-pgbouncer-");
        Files.setPosixFilePermissions(directory, PathUtils.RWXR_XR_X);
        user.takeOwnership(directory);
        user.checkCanTraverse(directory);
        Path ini = directory.resolve("pgbouncer.ini");
        Path log = directory.resolve("pgbouncer.log");
        String serverPort = postgres.jdbcUrl().replaceFirst("^jdbc:postgresql://[^:/]+:(\\d+)/.*$", "$1");
        ServerProcess.Launcher launcher = new ServerProcess.Launcher() {
            @Override
            public String program() {
                return "pgbouncer";
            }

            @Override
            public Process launch(int port) throws IOException {
                Files.writeString(
                        ini,
                        String.join(
                                "\n",
                                "[databases]",
                                "* = host=127.0.0.1 port=" + serverPort + " user=" + postgres.user() + " password="
                                        + postgres.password(),
                                "[pgbouncer]",
                                "listen_addr = 127.0.0.1",
                                "listen_port = " + port,
                                "unix_socket_dir =",
                                "auth_type = any",
                                "pool_mode = " + mode.name().toLowerCase(Locale.ROOT),
                                "default_pool_size = " + defaultPoolSize,
                                "max_client_conn = 200",
                                "ignore_startup_parameters = extra_float_digits",
                                "logfile = " + log,
                                "pidfile = " + directory.resolve("pgbouncer.pid"),
                                extra.toString()));
                user.takeOwnership(ini);
                List<String> command = new ArrayList<>(user.commandPrefix());
                command.add(binary.toString());
                command.add(ini.toString());
                return new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(
                                directory.resolve("stdout.log").toFile()))
                        .start();
            }

            @Override
            public void stop(Process server) {
                server.destroy();
                try {
                    if (!server.waitFor(10, TimeUnit.SECONDS)) {
                        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    server.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public DataSource readinessProbe(int port) {
                return dataSource(port, postgres);
            }

            @Override
            public Path logFile() {
                return Files.exists(log) ? log : directory.resolve("stdout.log");
            }
        };
        return new PgBouncer(
                directory, ServerProcess.startOnFreePort(directory, launcher, START_TIMEOUT), mode, postgres);
    }

    private static PGSimpleDataSource dataSource(int port, TestDatabase postgres) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(PostgresServer.DATABASE);
        dataSource.setUser(postgres.user());
        dataSource.setPassword(postgres.password());
        dataSource.setConnectTimeout(10);
        return dataSource;
    }

    /**
     * A new non-pooling data source of connections through this PgBouncer, with pgjdbc's defaults ({@code
     * prepareThreshold} 5 included: set it to 0 on the returned object where the test needs what PgBouncer 1.18
     * requires in transaction mode).
     */
    public PGSimpleDataSource dataSource() {
        return dataSource(process.port, postgres);
    }

    /** The port PgBouncer listens on, on 127.0.0.1. */
    public int port() {
        return process.port;
    }

    /** Its pool mode. */
    public PoolMode mode() {
        return mode;
    }

    /** Stops PgBouncer and deletes its directory; its clients' connections break. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting already: the hook stops it too, harmlessly after this
            }
        }
        process.stop(); // deletes the directory too
    }

    @Override
    public String toString() {
        return "PgBouncer " + mode.name().toLowerCase(Locale.ROOT) + " pooling on 127.0.0.1:" + process.port;
    }
}
