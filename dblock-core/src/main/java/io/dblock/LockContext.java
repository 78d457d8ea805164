package io.dblock;

import io.dblock.spi.LockEngine;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * What every lock of one {@code DbLocks} shares: the data source, the engine, the session-lock registry and the
 * default timeout. Immutable apart from the registry, which is thread-safe.
 */
final class LockContext {

    final DataSource dataSource;
    final LockEngine engine;
    final SessionLocks sessions;
    /** Null means wait without limit. */
    final Duration defaultTimeout;

    final Listeners listeners;

    /** Where fenced locks count their tokens. */
    final io.dblock.TableName fencingTable;

    /** Zero means off. */
    final Duration watchdogInterval;

    /** What stands between this instance and its server; adapts the connections dblock borrows behind a pooler. */
    final PoolerSetting pooler;

    /** The standby refusal and grace period of newly pinned connections' servers ({@link Failover}). */
    final ServerChecks servers;

    /**
     * Creates the shared state for one {@code DbLocks} and starts its watchdog.
     *
     * @throws IllegalArgumentException if the default timeout is longer than the engine can wait
     */
    LockContext(DataSource dataSource, LockEngine engine, LockSettings settings) {
        if (settings.defaultTimeout != null) {
            Durations.checkWait(
                    settings.defaultTimeout,
                    "default timeout",
                    null,
                    engine,
                    "leave the default timeout unset to wait without limit");
        }
        this.dataSource = dataSource;
        this.engine = engine;
        this.fencingTable = settings.fencingTable;
        this.listeners = new Listeners(List.copyOf(settings.listeners), engine.name());
        this.defaultTimeout = settings.defaultTimeout;
        this.watchdogInterval = settings.watchdogInterval;
        this.pooler = new PoolerSetting(engine, settings.pooler);
        this.guards = new WaitGuards(dataSource, engine, pooler, threads);
        this.servers = new ServerChecks(engine, settings);
        this.sessions = new SessionLocks(
                dataSource, engine, listeners, settings, guards, pooler, servers, threads.watchdog, threads.deadlocks);
        this.shutdownGrace = settings.shutdownGrace;
        this.stopWatchdog = Watchdog.start(sessions, watchdogInterval, threads.watchdog);
    }

    /** How long {@link #close(Duration)} waits for holders by default. */
    final Duration shutdownGrace;

    private final Runnable stopWatchdog;

    /** This instance's background threads, ended by {@link #close(Duration)}. */
    private final BackgroundThreads threads = new BackgroundThreads();

    private final WaitGuards guards;

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * See {@code DbLocks.close(Duration)}: refuses new session locks, reports the held ones lost, waits up to {@code
     * grace} for their holders to release them, ends the sessions of the rest, stops the watchdog. Idempotent.
     */
    void close(Duration grace) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            sessions.shutDown(grace);
        } finally {
            stopWatchdog.run();
            threads.close();
        }
    }

    /**
     * Refuses work once {@link #close(Duration)} began: every call that would lock, inspect or run SQL.
     *
     * @throws LockUsageException if closed
     */
    void requireOpen(String what) {
        if (closed.get()) {
            throw new LockUsageException("this DbLocks is closed: no new locks, inspections or statements", what);
        }
    }

    /** The engine in use. */
    LockEngine engine() {
        return engine;
    }

    /** The default wait limit; null means without limit. */
    Duration defaultTimeout() {
        return defaultTimeout;
    }

    /** The fencing-token table. */
    io.dblock.TableName fencingTable() {
        return fencingTable;
    }

    /** Runs {@code work} on a borrowed connection in auto-commit mode, committing if the pool handed out a transaction. */
    void withAutoCommitConnection(SqlConsumer work, String description) {
        requireOpen(description);
        try (Connection c = dataSource.getConnection()) {
            Runnable restore = pooler.adapt(c);
            try {
                work.accept(c);
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            } finally {
                restore.run();
            }
        } catch (SQLException e) {
            throw Errors.translate(engine, e, description, null);
        }
    }

    /** A JDBC step that returns nothing. */
    @FunctionalInterface
    interface SqlConsumer {
        /** Runs the step. */
        void accept(Connection connection) throws SQLException;
    }

    /** How often the watchdog checks held session locks; zero when it is off. */
    Duration watchdogInterval() {
        return watchdogInterval;
    }

    /** Number of threads queued locally behind another thread of this context (diagnostics). */
    int locallyWaitingThreads() {
        return sessions.locallyWaitingThreads();
    }

    /**
     * The engine's fencing tokens.
     *
     * @throws io.dblock.UnsupportedLockException if it has none
     */
    io.dblock.spi.Fencing fencing() {
        return Facets.require(engine, io.dblock.spi.Fencing.class, "fencing table " + fencingTable());
    }

    /** See {@code DbLocks.namesHeldWithPrefix}. */
    java.util.List<io.dblock.NamedLockHolder> namesHeldWithPrefix(String prefix) {
        requireOpen("names starting with '" + prefix + "'");
        io.dblock.spi.LockNameListing listing = Facets.require(engine, io.dblock.spi.LockNameListing.class, null);
        return withConnection(c -> listing.namesHeldWithPrefix(c, prefix), "names starting with '" + prefix + "'");
    }

    /**
     * The wait guard for a lock statement on {@code connection}: interrupts always; with a priority and a wait, also
     * the blocker check, for which the connection's server id is read first (one round trip).
     */
    io.dblock.spi.WaitGuard guard(
            Connection connection, io.dblock.spi.Wait wait, io.dblock.Priority priority, String description)
            throws SQLException {
        return guards.forWait(priority, wait, () -> engine.connectionId(connection), description);
    }

    /** Runs a read-only query on the thread's pinned connection if it has one, else on a borrowed one. */
    <R> R withConnection(SqlFunction<R> query, String description) {
        requireOpen(description);
        try {
            var pinned = sessions.onPinned(query);
            if (pinned.isPresent()) {
                return pinned.get();
            }
            try (Connection c = dataSource.getConnection()) {
                Runnable restore = pooler.adapt(c);
                try {
                    return query.apply(c);
                } finally {
                    restore.run();
                }
            }
        } catch (SQLException e) {
            throw Errors.translate(engine, e, description, null);
        }
    }

    @FunctionalInterface
    interface SqlFunction<R> {
        R apply(Connection connection) throws SQLException;
    }
}
