package io.dblock;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connection a thread's session locks live on, borrowed from the {@code DataSource} for as long as the thread holds
 * at least one session lock.
 *
 * <p>Touched by its owner thread, and by a thread releasing a leaked hold, each holding {@link #busy}.
 */
final class Pin {

    private static final System.Logger LOG = System.getLogger(Pin.class.getName());

    final Connection connection;
    private final boolean restoreAutoCommit;
    /** Server-side holds (distinct key and mode per holding thread) on this connection. */
    int serverHolds;

    /** The keys held on this connection's session, with how many server holds each has; guarded by {@link #busy}. */
    final java.util.Map<io.dblock.LockKey, Integer> heldKeys = new java.util.HashMap<>();

    /**
     * Whether this connection is shared by the holds of many threads ({@link SharedSessions}) rather than pinned to one
     * thread. A shared one is entered only for one statement and its bookkeeping at a time.
     */
    boolean shared;

    /** Orders pins, so that a release entering several enters them in one order. */
    final long seq = SEQUENCE.incrementAndGet();

    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();
    /** The server's id for the connection, once a lock statement has reported it. */
    long connectionId = -1;
    /** The fencing token of each thread's hold of a key here that was acquired fenced, read once per hold. */
    final java.util.Map<TokenKey, Long> fencingTokens = new java.util.HashMap<>();

    /** A thread's hold of a key, for its fencing token. */
    record TokenKey(Thread owner, io.dblock.LockKey key) {}

    /** Counts server holds of {@code keys} on this session; with {@link #busy} held. */
    void added(java.util.List<io.dblock.LockKey> keys) {
        serverHolds += keys.size();
        for (io.dblock.LockKey key : keys) {
            heldKeys.merge(key, 1, Integer::sum);
        }
    }

    /** Counts down server holds of {@code keys} on this session, and forgets their owner's tokens; with {@link #busy}. */
    void removed(java.util.List<io.dblock.LockKey> keys, Thread owner) {
        serverHolds -= keys.size();
        for (io.dblock.LockKey key : keys) {
            heldKeys.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
            fencingTokens.remove(new TokenKey(owner, key));
        }
    }
    /**
     * Held by whichever thread works on this pin: its owner, or a thread releasing one of its holds whose handle was
     * garbage-collected. Uncontended but for that.
     */
    final java.util.concurrent.locks.ReentrantLock busy = new java.util.concurrent.locks.ReentrantLock();

    /** Set after a failed lock or unlock statement: the session may hold locks dblock does not know of. */
    boolean dirty;

    /**
     * Behind a transaction pooler ({@link io.dblock.Pooler#TRANSACTION}): this pin's locks are transaction-scoped, in a
     * transaction left open on the connection (auto-commit off) until its last hold ends, which rolls it back.
     */
    boolean heldInTransaction;

    /** The layers of that transaction's holds, for releasing some of them alone; null unless {@link #heldInTransaction}. */
    TransactionHolds transactionHolds;

    /** Puts back what {@link io.dblock.spi.PoolerDetection#adaptToPooler} changed; null if nothing was. */
    Runnable poolerRestore;

    /** The {@link System#nanoTime()} at which its server's grace period ends ({@link ServerChecks}); 0 if none. */
    long graceEndsNanos;

    /** Set once the connection went back to its pool or was closed: the owner must borrow a new one. */
    volatile boolean returned;

    /** Set once the connection failed or was discarded: every lock on it is gone. */
    volatile boolean broken;

    /** The driver's error that showed the connection failed, if one did: the cause of the holds' loss reports. */
    volatile SQLException lossCause;

    /** Records the connection failure {@code e} as the cause of this session's loss (the first one found). */
    void failedWith(SQLException e) {
        if (lossCause == null) {
            lossCause = e;
        }
    }

    /**
     * {@link System#nanoTime()} when the server last confirmed this session's locks (a lock or unlock statement that
     * succeeded, or a watchdog check), for re-entrant acquisitions.
     */
    volatile long confirmedAt = System.nanoTime();

    /**
     * How often the keepalive must use this session so the server's idle limit does not end it, in nanoseconds: -1
     * until read (at the first keepalive pass after the pin took a lock), 0 for no limit.
     */
    volatile long keepaliveNanos = -1;

    /**
     * What puts back the session settings the keepalive changed: the silent-client bound and the holder label ({@link
     * io.dblock.spi.SessionLimits#prepareHolder}); null while unchanged. Read and written with {@link #busy} held.
     */
    java.util.List<String> silentClientRestore;

    private Pin(Connection connection, boolean restoreAutoCommit) {
        this.connection = connection;
        this.restoreAutoCommit = restoreAutoCommit;
    }

    /** Wraps a freshly borrowed connection, switching it to auto-commit so locks never leave a transaction open. */
    static Pin of(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        if (!autoCommit) {
            connection.setAutoCommit(true);
        }
        return new Pin(connection, !autoCommit);
    }

    /** Gives the connection back to its pool; the caller has checked it holds no lock. */
    void giveBack() {
        returned = true;
        try {
            if (restoreAutoCommit && !broken) {
                connection.setAutoCommit(false);
            }
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "could not restore auto-commit on a connection given back to the pool", e);
        } finally {
            closeQuietly(connection);
        }
    }

    /**
     * Ends the session (and every lock on it) and makes sure the pool drops the connection, so that no later borrower
     * gets a dead one or one still holding a lock.
     *
     * <ol>
     *   <li>{@link Connection#abort} on the pool's own handle: the JDBC call every wrapper passes down to the driver,
     *       which closes the physical connection (the server then ends the session). Should a wrapper refuse it, the
     *       physical connection ({@code unwrap(Connection.class)}) is closed instead.
     *   <li>A statement through the pool's handle, which now fails with the driver's "connection closed" error (SQLState
     *       08xxx). Pools learn of dead connections from the failures that pass through their handles (HikariCP evicts
     *       on SQLState 08, DBCP2 marks the connection fatal): an abort alone passes no failure through, and HikariCP
     *       would hand the dead connection to the next borrower within its 500 ms validation-skip window. (On
     *       PostgreSQL, pgjdbc's {@code clearWarnings()}, which HikariCP calls on return, fails the same way; MariaDB
     *       Connector/J's does not, which is why only MariaDB showed the fault before.)
     *   <li>{@code close()} on the handle, which gives it back for eviction.
     * </ol>
     */
    void discard() {
        broken = true;
        returned = true;
        try {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.DEBUG, "abort() refused; closing the physical connection instead", e);
                closePhysical();
            }
            if (answers()) {
                LOG.log(Level.WARNING, "a discarded connection still answered after abort(); closing it physically");
                closePhysical();
                answers();
            }
        } finally {
            closeQuietly(connection);
        }
    }

    /**
     * Ends the session from any thread ({@link Connection#abort}), without giving the handle back: its owner may still be
     * using it, and its release then finds the pin broken and discards it. For shutdown.
     */
    void abortSession() {
        broken = true;
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not abort a lock connection at shutdown; closing it physically", e);
            closePhysical();
        }
    }

    /** Runs {@code SELECT 1} through the pool's handle: true if it worked, false if it failed (the pool saw it). */
    private boolean answers() {
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException | RuntimeException expected) {
            return false;
        }
    }

    private void closePhysical() {
        try {
            Connection physical =
                    connection.isWrapperFor(Connection.class) ? connection.unwrap(Connection.class) : connection;
            if (physical != connection) {
                physical.close();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not close the physical connection of a discarded lock connection", e);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "closing a lock connection failed", e);
        }
    }
}
