package io.dblock;

import io.dblock.inspect.LockInspector;
import io.dblock.spi.LockEngine;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The entry point: database-level locks over one {@link DataSource}.
 *
 * <pre>{@code
 * DbLocks locks = DbLocks.create(dataSource);
 * try (LockHandle h = locks.advisory("invoice:42").acquire()) { ... }
 * locks.tables("orders").mode(TableLockMode.SHARE).acquire(connection);
 * }</pre>
 *
 * <p>Creating one borrows a connection to detect the engine ({@link io.dblock.spi.LockEngineProvider}s, found by {@link
 * java.util.ServiceLoader}). Create one per data source and share it: it is thread-safe, and its threads coordinate
 * through it (re-entrancy, local queueing and deadlock detection work per instance). It holds only the connections its
 * session locks are on ({@link Multiplexing}) and daemon threads {@code dblock-<n>-...} (ended after 10 s idle). Close
 * it before its {@code DataSource} ({@link #close()}): holders are told first, given a grace period, then ended.
 */
public final class DbLocks implements AutoCloseable {

    private final LockContext context;

    private DbLocks(LockContext context) {
        this.context = context;
    }

    /**
     * Creates an instance with default options (wait without limit). Throws {@link UnsupportedLockException} if the
     * database is not one dblock supports (listing those it does), {@link LockFailedException} if none can be reached.
     */
    public static DbLocks create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /** Starts configuring an instance. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** An exclusive advisory lock on a string key (on PostgreSQL hashed as described in {@link LockKey#of(String)}). */
    public AdvisoryLock advisory(String name) {
        return advisory(LockKey.of(name));
    }

    /** An exclusive advisory lock on a {@code bigint} key. */
    public AdvisoryLock advisory(long key) {
        return advisory(LockKey.of(key));
    }

    /** An exclusive advisory lock on an {@code (int, int)} key. */
    public AdvisoryLock advisory(int classKey, int objectKey) {
        return advisory(LockKey.of(classKey, objectKey));
    }

    /** An exclusive advisory lock on several keys (at least one), acquired all-or-nothing in canonical order. */
    public AdvisoryLock advisory(LockKey... keys) {
        return advisory(Arrays.asList(Objects.requireNonNull(keys, "keys must not be null")));
    }

    /** An exclusive advisory lock on several keys, acquired all-or-nothing in canonical order. */
    public AdvisoryLock advisory(Collection<LockKey> keys) {
        return DefaultAdvisoryLock.of(context, keys);
    }

    /**
     * A lock on tables named as for {@link TableName#parse(String)} ({@code "orders"}, {@code "sales.orders"}), in
     * {@link TableLockMode#ACCESS_EXCLUSIVE} mode unless {@link TableLock#mode} says otherwise.
     */
    public TableLock tables(String... tables) {
        Objects.requireNonNull(tables, "tables must not be null");
        return DefaultTableLock.of(
                context, Arrays.stream(tables).map(TableName::parse).toList());
    }

    /** A table lock with no tables yet: {@code locks.tables().read("customers").write("orders").inTransaction(...)}. */
    public TableLock tables() {
        return DefaultTableLock.of(context, List.of());
    }

    /** A lock on tables given as {@link TableName}s (for names containing dots). */
    public TableLock tables(TableName... tables) {
        return DefaultTableLock.of(context, Arrays.asList(Objects.requireNonNull(tables, "tables must not be null")));
    }

    /**
     * The named locks held on the server whose names start with {@code prefix} (literally: {@code %} and {@code _} are
     * not wildcards), with their holders. MySQL and MariaDB only: they read {@code performance_schema.metadata_locks}
     * (or MariaDB's {@code METADATA_LOCK_INFO} plugin).
     *
     * @throws UnsupportedLockException on PostgreSQL, whose advisory keys are numbers, or when the server exposes no
     *     lock listing (the message says how to enable one)
     */
    public List<NamedLockHolder> namesHeldWithPrefix(String prefix) {
        return context.namesHeldWithPrefix(Objects.requireNonNull(prefix, "prefix must not be null"));
    }

    /**
     * Limits how long statements on {@code connection} wait for locks until the returned scope is closed, then puts the
     * previous limits back. What each engine sets, and its round trips, are in {@link LockTimeoutScope}.
     *
     * @param connection the connection whose statements to limit; not closed by the scope
     * @param timeout the limit, not negative
     * @return the open scope, to close with try-with-resources ({@link LockUsageException} if the connection is closed)
     * @throws IllegalArgumentException if {@code timeout} is negative or longer than the engine can set (PostgreSQL:
     *     2147483647 ms; MySQL/MariaDB: 31536000 s, one year), before any statement runs
     */
    public LockTimeoutScope lockTimeout(Connection connection, Duration timeout) {
        return DefaultLockTimeoutScope.open(context, connection, timeout);
    }

    /** {@code work} inside {@link #lockTimeout(Connection, Duration)}: its result or exception; limits put back after. */
    public <R, X extends Exception> R withLockTimeout(Connection connection, Duration timeout, LockCallback<R, X> work)
            throws X {
        return DefaultLockTimeoutScope.within(this, connection, timeout, work);
    }

    /** The inspector of this server's locks and waits ({@link LockInspector}): thread-safe, cheap, holds no connection. */
    public LockInspector inspector() {
        return new DefaultLockInspector(context);
    }

    /** The engine's name, e.g. {@code "PostgreSQL"}. */
    public String engineName() {
        return context.engine().name();
    }

    /** The server version the engine detected. */
    public String serverVersion() {
        return context.engine().serverVersion();
    }

    /** The wait limit locks start with; empty means without limit. */
    public Optional<Duration> defaultTimeout() {
        return Optional.ofNullable(context.defaultTimeout());
    }

    /** The watchdog's interval, as set by {@link Builder#watchdog(Duration)}; {@link Duration#ZERO} when it is off. */
    public Duration watchdogInterval() {
        return context.watchdogInterval();
    }

    /** Number of this instance's threads currently queued behind another of its threads for a key. */
    public int locallyWaitingThreads() {
        return context.locallyWaitingThreads();
    }

    /** The default name of the fencing-token table. */
    public static final String DEFAULT_FENCING_TABLE = "dblock_fencing_token";

    /**
     * Creates the fencing-token table of {@link AdvisoryLock#fenced()} unless it exists (the statement of {@link
     * #fencingTableDdl()}, on a borrowed connection); safe on every start. It needs the privilege to create tables:
     * without it, have a migration run the DDL. Throws {@link LockException} if the statement fails.
     */
    public void createFencingTable() {
        context.withAutoCommitConnection(
                c -> context.fencing().createFencingTable(c, context.fencingTable()),
                "fencing table " + context.fencingTable());
    }

    /** The statement that creates the fencing-token table on this engine, for migrations (Flyway, Liquibase). */
    public String fencingTableDdl() {
        return context.fencing().fencingTableDdl(context.fencingTable());
    }

    /** {@link #close(Duration)} with the {@link Builder#shutdownGrace(Duration) shutdown grace} (default 30 s). */
    @Override
    public void close() {
        close(context.shutdownGrace);
    }

    /**
     * Shuts this instance down, telling holders first: (1) new session locks are refused ({@link LockUsageException});
     * (2) every session lock held through it is marked lost at once, while the server still holds it ({@link
     * LockHandle#isHeld()} false, {@link LockHandle#onLost} callbacks and listeners' {@code lost} run on the calling
     * thread, a re-entrant acquisition throws {@link LockLostException}); (3) it waits up to {@code grace} for holders to
     * release, each release ending its connection's session (aborted, evicted by the pool), which frees the lock; (4)
     * what is still held then is freed by aborting its connection, logged at {@code WARNING} with lock, holder thread
     * and acquisition site; (5) the watchdog and background threads end (within 5 s of a JDBC call they are in); (6)
     * every later call that would lock, inspect or run SQL, here or on the locks and inspectors it made, throws {@link
     * LockUsageException} (closed); getters still answer. Transaction-scoped and table locks are not touched. Call it
     * before the {@code DataSource} closes (the starter closes its bean before the pool). Idempotent, thread-safe.
     *
     * @param grace how long to wait for holders; {@link Duration#ZERO} ends their sessions at once
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public void close(Duration grace) {
        context.close(LockSettings.checkGrace(Objects.requireNonNull(grace, "grace must not be null")));
    }

    /** How long {@link #close()} waits for holders ({@link Builder#shutdownGrace(Duration)}, default 30 s). */
    public Duration shutdownGrace() {
        return context.shutdownGrace;
    }

    /** The default of {@link Builder#shutdownGrace(Duration)}, in seconds: Spring's default shutdown-phase timeout. */
    public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;

    /** The watchdog's default interval in seconds. */
    public static final int DEFAULT_WATCHDOG_SECONDS = 10;

    /** Configures a {@link DbLocks}; not thread-safe, use it from one thread. */
    public static final class Builder {
        private final DataSource dataSource;
        private final LockSettings settings = new LockSettings();
        private LockEngine engine;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
        }

        /**
         * How long {@code acquire()} waits by default before throwing {@link LockTimeoutException}. Default: without
         * limit. {@link Duration#ZERO} means do not wait.
         *
         * @throws IllegalArgumentException if negative; {@link #build()} throws it too if the timeout is longer than the
         *     engine can wait (PostgreSQL: 2147483647 ms, about 24.9 days; MySQL/MariaDB: 31536000 s, one year)
         */
        public Builder defaultTimeout(Duration timeout) {
            settings.defaultTimeout(timeout);
            return this;
        }

        /**
         * How often the watchdog checks that held session locks are still held: default {@value
         * #DEFAULT_WATCHDOG_SECONDS} s, {@link Duration#ZERO} off (the keepalive too); see {@link LockHandle}.
         *
         * @throws IllegalArgumentException if negative, between zero and 10 ms, or longer than 365 days
         */
        public Builder watchdog(Duration interval) {
            settings.watchdog(interval);
            return this;
        }

        /**
         * When the keepalive uses an idle pinned session again, as a fraction of the server's idle limit: default 1/3,
         * {@code 0} off (the watchdog still checks); see {@link LockHandle}.
         *
         * @throws IllegalArgumentException if not between 0 and 0.9 (later leaves no room for a slow ping)
         */
        public Builder keepaliveAt(double fractionOfIdleLimit) {
            settings.keepaliveAt(fractionOfIdleLimit);
            return this;
        }

        /**
         * How long the server keeps a pinned session and its locks after its client went silent (partition, crashed
         * or frozen host): default 30 s, {@code ZERO} the server's own TCP timeout (hours); see {@link LockHandle}.
         *
         * @throws IllegalArgumentException if not zero and not between 15 s and 1 day
         */
        public Builder silentClientBound(Duration bound) {
            settings.silentClientBound(bound);
            return this;
        }

        /**
         * What stands between dblock and the server: default {@link Pooler#AUTO} (detected on the first borrowed
         * connection); {@link Pooler#TRANSACTION} holds session locks inside a transaction left open (see {@link Pooler}).
         */
        public Builder pooler(Pooler pooler) {
            settings.pooler(pooler);
            return this;
        }

        /** How session locks share connections: default {@link Multiplexing#defaults()}; see {@link Multiplexing}. */
        public Builder multiplexing(Multiplexing multiplexing) {
            settings.multiplexing = Objects.requireNonNull(multiplexing, "multiplexing must not be null");
            return this;
        }

        /** What dblock does about restarts, failovers and standbys: default {@link Failover#defaults()}. */
        public Builder failover(Failover failover) {
            settings.failover = Objects.requireNonNull(failover, "failover must not be null (Failover.defaults())");
            return this;
        }

        /**
         * {@link #pooler(Pooler)} for a pooler that ends a client's transaction idle for {@code idleTransactionLimit}
         * (PgBouncer {@code idle_transaction_timeout}; default ZERO, none): locks held in a transaction ({@link
         * Pooler#TRANSACTION}) are kept alive within {@link #keepaliveAt(double)} of it too. IllegalArgumentException
         * if negative or between zero and 1 s.
         */
        public Builder pooler(Pooler pooler, Duration idleTransactionLimit) {
            settings.poolerIdleLimit(idleTransactionLimit);
            return pooler(pooler);
        }

        /** Adds a listener of every acquisition, failure, release and loss of this instance's locks ({@link LockListener}). */
        public Builder listener(LockListener listener) {
            settings.listener(listener);
            return this;
        }

        /** Whether acquisitions record their site (5 frames) for the leak warning: default true, about 2 µs each. */
        public Builder recordAcquisitionSites(boolean record) {
            settings.recordSites = record;
            return this;
        }

        /**
         * The table where {@link AdvisoryLock#fenced() fenced} locks count their tokens. Default {@value
         * #DEFAULT_FENCING_TABLE}, in the connection's default schema (PostgreSQL {@code search_path}, MySQL/MariaDB the
         * URL's database). Create it once with {@link DbLocks#createFencingTable()} or the statement of {@link
         * DbLocks#fencingTableDdl()}; every {@code DbLocks} that fences the same keys must name the same table.
         *
         * @param qualifiedName {@code table} or {@code schema.table}, as for table locks (quoted by dblock)
         * @throws IllegalArgumentException if the name is malformed
         */
        public Builder fencingTable(String qualifiedName) {
            settings.fencingTable(qualifiedName);
            return this;
        }

        /**
         * How long {@link DbLocks#close()} waits for holders to release their (already reported lost) locks before it
         * ends their sessions. Default {@value DbLocks#DEFAULT_SHUTDOWN_GRACE_SECONDS} s, Spring's default {@code
         * spring.lifecycle.timeout-per-shutdown-phase}.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder shutdownGrace(Duration grace) {
            settings.shutdownGrace(grace);
            return this;
        }

        /** Uses this engine instead of detecting one (one not found by {@link java.util.ServiceLoader}, or to save a trip). */
        public Builder engine(LockEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine must not be null");
            return this;
        }

        /** Builds the instance, detecting the engine unless one was given ({@link UnsupportedLockException} if none fits). */
        public DbLocks build() {
            LockEngine chosen = engine != null ? engine : EngineDetection.detect(dataSource);
            return new DbLocks(new LockContext(dataSource, chosen, settings));
        }
    }
}
