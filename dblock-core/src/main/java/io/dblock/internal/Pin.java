package io.dblock.internal;

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
    /** Server-side holds (distinct key and mode) on this connection. */
    int serverHolds;
    /** The server's id for the connection, once a lock statement has reported it. */
    long connectionId = -1;
    /** The fencing token of each key held here that was acquired fenced, read once per hold. */
    final java.util.Map<io.dblock.LockKey, Long> fencingTokens = new java.util.HashMap<>();
    /**
     * Held by whichever thread works on this pin: its owner, or a thread releasing one of its holds whose handle was
     * garbage-collected. Uncontended but for that.
     */
    final java.util.concurrent.locks.ReentrantLock busy = new java.util.concurrent.locks.ReentrantLock();

    /** Set after a failed lock or unlock statement: the session may hold locks dblock does not know of. */
    boolean dirty;

    /** Set once the connection went back to its pool or was closed: the owner must borrow a new one. */
    volatile boolean returned;

    /** Set once the connection failed or was discarded: every lock on it is gone. */
    volatile boolean broken;

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
     * Closes the physical connection so that the server ends the session and every lock with it, then closes the
     * pool's handle: a pool then finds the connection closed and never hands it out holding a lock.
     *
     * <p>The physical connection is {@code unwrap(Connection.class)}. JDBC lets a wrapper answer that with itself
     * (Spring's proxies do); closing it would then only hand the physical connection back to the pool, locks and all,
     * so such a connection is {@link Connection#abort aborted} instead, which every wrapper passes down to the driver
     * and which ends the physical connection.
     */
    void discard() {
        broken = true;
        returned = true;
        try {
            Connection physical =
                    connection.isWrapperFor(Connection.class) ? connection.unwrap(Connection.class) : connection;
            if (physical != connection) {
                physical.close();
            } else {
                connection.abort(Runnable::run);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not close the physical connection of a failed lock release", e);
        } finally {
            closeQuietly(connection);
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
