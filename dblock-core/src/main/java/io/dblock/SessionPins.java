package io.dblock;

import io.dblock.spi.LockEngine;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Pinning: each thread's {@link Pin}, the connection its session locks live on. A thread borrows it from the {@code
 * DataSource} with its first lock, enters it ({@link Pin#busy}) while it works on it, and gives it back (clearing a
 * dirty session first) or discards it once it holds nothing.
 */
final class SessionPins {

    /** Logs under {@link SessionLocks}' name, as before these parts had classes of their own. */
    private static final System.Logger LOG = SessionLocks.LOG;

    private final DataSource dataSource;
    private final LockEngine engine;
    private final ThreadLocal<Pin> pins = new ThreadLocal<>();
    private final PoolerSetting pooler;

    private final ServerChecks servers;

    /** The shared connections when multiplexing is configured; null when it is off. */
    final SharedSessions shared;

    /** Whether session locks are multiplexed: null until the first acquisition decides (see {@link #sharing}). */
    private volatile Boolean sharing;

    SessionPins(
            DataSource dataSource,
            LockEngine engine,
            PoolerSetting pooler,
            ServerChecks servers,
            Multiplexing multiplexing) {
        this.dataSource = dataSource;
        this.engine = engine;
        this.pooler = pooler;
        this.servers = servers;
        this.shared = multiplexing.isOn()
                ? new SharedSessions(multiplexing.boundFor(SharedSessions.poolSize(dataSource)))
                : null;
        this.sharing = multiplexing.isOn() ? null : Boolean.FALSE;
    }

    /**
     * Whether this instance's session locks are multiplexed. Decided at the first acquisition: on as configured, unless
     * a transaction pooler stands between dblock and the server (one borrowed connection, for the pooler's detection,
     * unless it has run), which turns it off with a log line saying why.
     */
    boolean sharing(String description) {
        Boolean on = sharing;
        return on != null ? on : decideSharing(description);
    }

    /** Whether multiplexing was decided on (it is only once a session lock was asked for). */
    boolean decided() {
        return Boolean.TRUE.equals(sharing);
    }

    private final java.util.concurrent.locks.ReentrantLock deciding = new java.util.concurrent.locks.ReentrantLock();

    private boolean decideSharing(String description) {
        deciding.lock();
        try {
            return decideSharingLocked(description);
        } finally {
            deciding.unlock();
        }
    }

    private boolean decideSharingLocked(String description) {
        if (sharing != null) {
            return sharing;
        }
        Pooler found;
        try (java.sql.Connection c = dataSource.getConnection()) {
            found = pooler.resolve(c);
        } catch (SQLException e) {
            throw Errors.connectionUnavailable(description, engine.name(), e);
        }
        boolean on = found != Pooler.TRANSACTION;
        if (!on) {
            LOG.log(
                    Level.INFO,
                    "session locks are not multiplexed: behind a transaction pooler (Pooler.TRANSACTION) they are held"
                            + " in a transaction per holding thread, released in layers, which threads cannot share;"
                            + " each holding thread keeps a connection of its own");
        }
        sharing = on;
        return on;
    }

    /** The thread's pin, not entered; null if it has none. */
    Pin current() {
        return pins.get();
    }

    /** The thread's pin, held against concurrent leak releases; null if it has none (or it was given back). */
    Pin enterCurrent() {
        Pin pin = pins.get();
        if (pin == null) {
            return null;
        }
        pin.busy.lock();
        if (pin.returned) {
            pin.busy.unlock();
            pins.remove();
            return null;
        }
        return pin;
    }

    /** The entered pin if usable, else a newly borrowed one, entered in its place. */
    Pin usable(String description, Pin[] entered) {
        Pin pin = entered[0];
        if (pin != null && !pin.broken) {
            return pin;
        }
        Pin fresh = borrow(description);
        fresh.busy.lock();
        if (pin != null) {
            pin.busy.unlock();
        }
        entered[0] = fresh;
        pins.set(fresh);
        return fresh;
    }

    /**
     * Borrows a connection for session locks: checked against its server ({@link ServerChecks}) and, behind a
     * transaction pooler, set up to hold them in a transaction. Not entered.
     */
    private Pin borrow(String description) {
        Pin fresh;
        try {
            fresh = Pin.of(dataSource.getConnection());
        } catch (SQLException e) {
            throw Errors.connectionUnavailable(description, engine.name(), e);
        }
        try {
            fresh.graceEndsNanos = servers.check(fresh.connection, description);
            if (pooler.resolve(fresh.connection) == Pooler.TRANSACTION) {
                holdInTransaction(fresh);
            }
        } catch (LockUsageException refused) { // a standby: the connection is sound, the pool may keep it
            fresh.giveBack();
            throw refused;
        } catch (SQLException | RuntimeException e) {
            fresh.discard();
            throw e instanceof SQLException sql
                    ? Errors.connectionUnavailable(description, engine.name(), sql)
                    : (RuntimeException) e;
        }
        return fresh;
    }

    /**
     * A connection of the shared set holding nothing, entered, to acquire on (and wait on): takes a slot, waiting for
     * one up to {@code nanos} (see {@link Multiplexing}), then borrows.
     *
     * @return null if no slot was free within {@code nanos} (the caller's deadline)
     * @throws LockFailedException if none was free within {@link Multiplexing#SLOT_WAIT_SECONDS}, or the pool failed
     */
    Pin borrowShared(String description, long nanos, long start) {
        long slotWait = java.util.concurrent.TimeUnit.SECONDS.toNanos(Multiplexing.SLOT_WAIT_SECONDS);
        try {
            if (!shared.takeSlot(Math.min(nanos, slotWait))) {
                if (nanos < slotWait) {
                    return null;
                }
                throw noSlot(description, start);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.interrupted(description, engine.name(), Durations.since(start), e);
        }
        return borrowWithSlot(description);
    }

    /** The exception for a request that found no free connection slot within {@link Multiplexing#SLOT_WAIT_SECONDS}. */
    LockFailedException noSlot(String description, long start) {
        return new LockFailedException(
                "no connection for session locks was free within " + Multiplexing.SLOT_WAIT_SECONDS + " s: all "
                        + shared.bound() + " that this DbLocks may use (Multiplexing) hold locks or wait for one. A"
                        + " wait needs a connection holding nothing; raise Multiplexing.upTo(n) (and the pool with"
                        + " it) or hold fewer locks at once",
                description,
                engine.name(),
                Durations.since(start),
                null);
    }

    /** Borrows a shared connection for a slot already taken (given back if the borrow fails); entered. */
    Pin borrowWithSlot(String description) {
        Pin fresh;
        try {
            fresh = borrow(description);
        } catch (RuntimeException e) {
            shared.returnSlot();
            throw e;
        }
        fresh.shared = true;
        fresh.busy.lock();
        shared.counted(fresh);
        return fresh;
    }

    /** {@link Pooler#TRANSACTION} refused on an engine without transaction-scoped locks to hold them with. */
    private void requireInTransactionPossible() {
        if (!pooler.inTransactionPossible()) {
            throw new UnsupportedLockException(
                    "Pooler.TRANSACTION holds session locks as transaction-scoped advisory locks, which "
                            + engine.name() + " does not have (its named locks belong to the session, not the"
                            + " transaction): connect directly or through a proxy that keeps one server session per"
                            + " client connection, and use Pooler.NONE or Pooler.SESSION",
                    null,
                    engine.name(),
                    null,
                    null);
        }
    }

    /**
     * Gives the pin's connection back once it holds nothing. After a failed lock statement ({@code failure}) or a
     * failed unlock ({@link Pin#dirty}), the server session may still hold a lock dblock does not know of (the engine's
     * own clean-up can fail too), so it is first cleared with one unlock-all statement; session settings the keepalive
     * changed (the silent-client bound, the holder label) are put back; if either fails, the connection is discarded instead of pooled.
     */
    void unpinIfIdle(Pin pin, SQLException failure) {
        if (failure != null) {
            noteFailure(pin, failure);
        }
        if (pin.serverHolds == 0) {
            tidy(pin);
            if (pin.broken) {
                pin.discard();
            } else {
                pin.giveBack();
            }
            if (pin.shared) {
                shared.gone(pin);
            } else if (pins.get() == pin) {
                pins.remove();
            }
        }
    }

    /** Before an idle pin's connection goes back: clears a dirty session and puts back the settings dblock changed. */
    private void tidy(Pin pin) {
        if (pin.heldInTransaction) {
            endTransaction(pin);
            return;
        }
        if (pin.dirty && !pin.broken) {
            clearSession(pin);
        }
        if (pin.silentClientRestore != null && !pin.broken) {
            restoreSettings(pin);
        }
    }

    /**
     * Ends the transaction that held the pin's locks: ROLLBACK frees every transaction-scoped lock in it and puts back
     * the session settings the keepalive changed inside it. Marks the pin broken (to be discarded) if that fails; a
     * statement in auto-commit behind a transaction pooler could land on another client's server session, so nothing
     * else runs.
     */
    /** Behind a transaction pooler: the pin's locks are held in a transaction left open (the pooler adapted to). */
    private void holdInTransaction(Pin fresh) throws SQLException {
        requireInTransactionPossible();
        fresh.poolerRestore = pooler.adapt(fresh.connection);
        fresh.heldInTransaction = true;
        fresh.transactionHolds = new TransactionHolds();
        fresh.connection.setAutoCommit(false);
    }

    private void endTransaction(Pin pin) {
        if (pin.broken) {
            return;
        }
        try {
            NetworkBound.run(pin.connection, () -> {
                pin.connection.rollback();
                pin.connection.setAutoCommit(true);
                return null;
            });
            pin.dirty = false;
            pin.silentClientRestore = null;
            if (pin.poolerRestore != null) {
                pin.poolerRestore.run();
                pin.poolerRestore = null;
            }
        } catch (SQLException e) {
            LOG.log(
                    Level.WARNING,
                    "ending the transaction that held a pinned connection's locks failed; discarding it",
                    e);
            pin.broken = true;
        }
    }

    /** After a failed statement the session may hold locks dblock does not know of; a connection failure ended it. */
    private void noteFailure(Pin pin, SQLException failure) {
        pin.dirty = true;
        if (engine.classify(failure) == io.dblock.spi.Failure.CONNECTION) {
            pin.failedWith(failure);
            pin.broken = true;
        }
    }

    /** Puts back the settings the keepalive changed; marks the pin broken (to be discarded) if that fails. */
    private void restoreSettings(Pin pin) {
        try {
            io.dblock.spi.SessionLimits limits =
                    engine.facet(io.dblock.spi.SessionLimits.class).orElseThrow();
            NetworkBound.run(pin.connection, () -> {
                limits.restoreHolder(pin.connection, pin.silentClientRestore);
                return null;
            });
            pin.silentClientRestore = null;
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "putting back a pinned session's settings failed; discarding the connection", e);
            pin.broken = true;
        }
    }

    /** Unlocks everything on a dirty session; marks the pin broken (to be discarded) if that fails. */
    private void clearSession(Pin pin) {
        try {
            NetworkBound.run(pin.connection, () -> {
                engine.releaseAllSession(pin.connection);
                return null;
            });
            pin.dirty = false;
        } catch (SQLException e) {
            LOG.log(
                    Level.WARNING,
                    "clearing the session's locks after a failed lock operation failed; discarding the"
                            + " connection so the server ends its session and every lock on it",
                    e);
            pin.broken = true;
        }
    }
}
