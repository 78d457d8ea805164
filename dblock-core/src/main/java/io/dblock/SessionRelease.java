package io.dblock;

import io.dblock.spi.LockEngine;
import io.dblock.spi.LockEngine.Release;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.List;

/**
 * Release of session locks: drops a hold's counts, unlocks the keys whose count reached zero in one statement, and gives
 * the pin back once it holds nothing; keys the server says were not held become a {@link LockLostException}. If the
 * unlock statement fails, the session is cleared (or, failing that, discarded) before its connection goes back.
 */
final class SessionRelease {

    /** Logs under {@link SessionLocks}' name, as before these parts had classes of their own. */
    private static final System.Logger LOG = SessionLocks.LOG;

    private final LockEngine engine;
    private final LocalLocks local;
    private final SessionPins pins;
    private final SessionHolds holds;
    private final SessionShutdown shutdown;

    SessionRelease(
            LockEngine engine, LocalLocks local, SessionPins pins, SessionHolds holds, SessionShutdown shutdown) {
        this.engine = engine;
        this.local = local;
        this.pins = pins;
        this.holds = holds;
        this.shutdown = shutdown;
    }

    /** Called by {@link SessionHandle#release()} on the owner thread. */
    void release(Hold hold) {
        for (Pin pin : hold.pins) {
            pin.busy.lock();
        }
        try {
            if (!hold.markReleased()) {
                throw new io.dblock.LockUsageException("this lock handle was already released", hold.description());
            }
            // leaked holds queued while this thread was inside dblock (their pin was busy) go first: a leaked hold
            // re-entering this one must not keep the key held after this, the thread's last, release of it
            holds.releaseLeaks();
            requireReleased(hold, releaseHold(hold));
        } finally {
            for (int i = hold.pins.size() - 1; i >= 0; i--) {
                holds.leave(hold.pins.get(i));
            }
        }
    }

    /** Throws if the hold's connection failed in the release, or the server did not hold all of its keys. */
    private void requireReleased(Hold hold, Released result) {
        if (result.failure != null && engine.classify(result.failure) == io.dblock.spi.Failure.CONNECTION) {
            throw connectionFailed(hold, result.failure);
        }
        if (!result.server.notHeld().isEmpty()) {
            throw notHeld(hold, result.server);
        }
    }

    /**
     * The exception for a release whose unlock met a failed connection (reset, or silent past the network bound): the
     * connection is discarded, so the server ends the session and frees the lock with it, at once on a reset, and
     * within the silent-client bound ({@link DbLocks.Builder#silentClientBound}) on a silent network.
     */
    private LockLostException connectionFailed(Hold hold, SQLException e) {
        return new LockLostException(
                "the connection failed while releasing the lock, so the hold cannot be confirmed up to its release: the"
                        + " connection was discarded, and the server frees the lock when it ends the session (at once"
                        + " after a reset, within the silent-client bound on a silent network)",
                hold.description(),
                engine.name(),
                null,
                e);
    }

    /** The server's answer to an unlock, and the failure of the unlock statement if it failed. */
    record Released(Release server, SQLException failure) {
        static final Released NOTHING_SENT = new Released(Release.ALL_HELD, null);

        /** This release and another one's, of a hold on two connections: the keys not held of both, the first failure. */
        Released and(Released other) {
            if (this == NOTHING_SENT) {
                return other;
            }
            List<LockKey> notHeld = new java.util.ArrayList<>(server.notHeld());
            notHeld.addAll(other.server.notHeld());
            return new Released(new Release(notHeld, server.ranOn()), failure != null ? failure : other.failure);
        }
    }

    /** The exception for keys found not held at release, naming a pooler when the release ran on another session. */
    private LockLostException notHeld(Hold hold, Release result) {
        long ranOn = result.ranOn().orElse(hold.connectionId);
        String message = ranOn == hold.connectionId || hold.connectionId < 0
                ? "the server says this session did not hold " + result.notHeld() + " any more when it was released"
                : "the lock was taken by server session " + hold.connectionId + " but released through session "
                        + ranOn + " on the same connection: a pooler in transaction mode (PgBouncer pool_mode ="
                        + " transaction, RDS Proxy, ...) sits between dblock and the server and hands each statement"
                        + " to any server session, so session locks stay behind on whichever session took them. Use"
                        + " transaction-scoped locks (acquireForTransaction) or table locks there, or session pooling";
        return new LockLostException(message, hold.description(), engine.name(), null, null);
    }

    /**
     * Drops the hold's counts and unlocks the keys whose count reached zero, on any thread holding {@code pin.busy};
     * gives the connection back when it holds nothing more.
     *
     * @return what the server said of the keys released, and how the unlock failed if it did
     */
    Released releaseHold(Hold hold) {
        holds.ended(hold);
        shutdown.holdEnded();
        List<LocalKey.Holder> last = local.exit(hold.keys, hold.mode, hold.owner);
        if (last.isEmpty()) {
            return Released.NOTHING_SENT;
        }
        if (hold.pins.size() == 1) {
            return unlockLast(hold.pin, last, hold.mode, hold.owner);
        }
        java.util.Map<Pin, List<LocalKey.Holder>> byPin = new java.util.LinkedHashMap<>();
        for (LocalKey.Holder h : last) {
            byPin.computeIfAbsent(h.pin != null ? h.pin : hold.pin, p -> new java.util.ArrayList<>())
                    .add(h);
        }
        Released result = Released.NOTHING_SENT;
        for (java.util.Map.Entry<Pin, List<LocalKey.Holder>> onPin : byPin.entrySet()) {
            result = result.and(unlockLast(onPin.getKey(), onPin.getValue(), hold.mode, hold.owner));
        }
        return result;
    }

    /**
     * Unlocks the keys whose last hold ended and settles the pin's count, the local state and the connection, whatever
     * the server says; enters the pin for it (its owner thread may have entered it already).
     */
    private static final String CLEARED =
            "the session is cleared (or, failing that, discarded) before its connection goes back to the pool";

    private Released unlockLast(Pin pin, List<LocalKey.Holder> last, AdvisoryLockMode mode, Thread owner) {
        List<LockKey> keys = new java.util.ArrayList<>(last.size());
        for (LocalKey.Holder h : last) {
            keys.add(h.key);
        }
        Release notHeld = Release.ALL_HELD;
        SQLException failure = null;
        pin.busy.lock();
        try {
            notHeld = unlock(pin, keys, mode);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "unlocking " + keys + " failed; " + CLEARED, e);
            failure = e;
        } finally {
            try {
                pin.removed(keys, owner);
                local.released(last);
                pins.unpinIfIdle(pin, failure);
            } finally {
                pin.busy.unlock();
            }
        }
        return new Released(notHeld, failure);
    }

    /** Unlocks {@code keys} on the pin's session (nothing to send if it is broken); a clean answer confirms the pin. */
    private Release unlock(Pin pin, List<LockKey> keys, AdvisoryLockMode mode) throws SQLException {
        if (pin.broken) {
            return Release.ALL_HELD;
        }
        if (pin.heldInTransaction) {
            releaseInTransaction(pin, keys, mode);
            return Release.ALL_HELD;
        }
        long asked = System.nanoTime();
        Release result = NetworkBound.run(pin.connection, () -> engine.releaseSession(pin.connection, keys, mode));
        if (result.notHeld().isEmpty()) {
            pin.confirmedAt = Math.max(pin.confirmedAt, asked);
        }
        return result;
    }

    /**
     * Behind a transaction pooler: ends the keys' layer of the pin's transaction ({@link TransactionHolds}); what a
     * rollback to a savepoint put back of the keepalive's settings is made again at its next pass.
     */
    private static void releaseInTransaction(Pin pin, List<LockKey> keys, AdvisoryLockMode mode) throws SQLException {
        boolean rolledBack =
                NetworkBound.run(pin.connection, () -> pin.transactionHolds.release(pin.connection, keys, mode));
        if (rolledBack) {
            pin.silentClientRestore = null;
            pin.keepaliveNanos = -1;
        }
    }

    /** Undoes a server acquisition whose follow-up failed; discards the connection if even that fails. */
    void undoAcquisition(Pin pin, List<LockKey> keys, AdvisoryLockMode mode) {
        pin.removed(keys, Thread.currentThread());
        try {
            if (pin.broken) {
                return;
            }
            if (pin.heldInTransaction) {
                releaseInTransaction(pin, keys, mode);
            } else {
                NetworkBound.run(pin.connection, () -> engine.releaseSession(pin.connection, keys, mode));
            }
        } catch (SQLException e) {
            LOG.log(
                    Level.WARNING,
                    "unlocking " + keys + " after a failed acquisition failed; discarding the connection",
                    e);
            pin.discard();
        }
    }
}
