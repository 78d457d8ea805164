package io.dblock;

import io.dblock.spi.Failure;
import io.dblock.spi.LockEngine;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The checks a holder's own thread makes that its hold is still held by the server: {@link LockHandle#confirmHeld()},
 * and the check before a re-entrant acquisition counts up. Both ask the pin's own session; a session found gone marks
 * the pin broken and reports its holds lost ({@link SessionLiveness#reportLost}).
 */
final class HoldConfirmation {

    /** Logs under {@link SessionLocks}' name, as before these parts had classes of their own. */
    private static final System.Logger LOG = SessionLocks.LOG;

    private final LockEngine engine;
    private final SessionLiveness liveness;

    /**
     * How old the last confirmation that a pin's session holds its locks may be before a re-entrant acquisition asks the
     * server again: the watchdog's interval (it confirms that often), zero when the watchdog is off (then each
     * re-entry asks).
     */
    private final long livenessNanos;

    HoldConfirmation(LockEngine engine, SessionLiveness liveness, Duration livenessBound) {
        this.engine = engine;
        this.liveness = liveness;
        this.livenessNanos = livenessBound.toNanos();
    }

    /**
     * Called by {@link SessionHandle#confirmHeld()} on the owner thread: asks the pin's own session whether it holds the
     * hold's keys; a failed session or a "no" marks the pin broken and reports its holds lost.
     */
    boolean confirmHeld(Hold hold) {
        for (Pin pin : hold.pins) {
            if (!confirmHeld(hold, pin)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #confirmHeld(Hold)} for the hold's keys on one of its connections. */
    private boolean confirmHeld(Hold hold, Pin pin) {
        pin.busy.lock();
        try {
            if (hold.isReleased()) {
                return false;
            }
            // no session id to compare with (never happens once a lock was granted): nothing to ask
            if (!pin.broken && (pin.connectionId < 0 || sessionHolds(pin, hold))) {
                return true;
            }
            pin.broken = true;
            liveness.reportLost(pin);
            return false;
        } finally {
            pin.busy.unlock();
        }
    }

    /**
     * Asks the pin's session whether it holds the hold's keys.
     *
     * @return true if it does; false if it does not or the session failed
     * @throws io.dblock.LockException for any other failure of the query
     */
    private boolean sessionHolds(Pin pin, Hold hold) {
        long asked = System.nanoTime();
        try {
            List<LockKey> keys = hold.pins.size() == 1
                    ? hold.keys
                    : hold.keys.stream().filter(pin.heldKeys::containsKey).toList();
            if (bounded(pin, keys).contains(pin.connectionId)) {
                pin.confirmedAt = Math.max(pin.confirmedAt, asked);
                return true;
            }
        } catch (SQLException e) {
            if (engine.classify(e) != Failure.CONNECTION) {
                throw Errors.translate(engine, e, hold.description(), Durations.since(asked));
            }
            LOG.log(Level.DEBUG, "confirming " + hold.description() + " failed on its own session", e);
            pin.failedWith(e);
        }
        return false;
    }

    /**
     * Before a re-entrant acquisition counts up: refuses a hold whose session is known lost, and asks the server (one
     * round trip, on the pin's own connection) when the last confirmation is older than the liveness bound. A session
     * found gone marks the pin broken and reports its holds lost.
     *
     * @throws LockLostException if the thread's hold of {@code keys} is gone
     */
    void requireAlive(Pin pin, List<LockKey> keys, String description, long start) {
        long now = System.nanoTime();
        if (!pin.broken && now - pin.confirmedAt < livenessNanos) {
            return;
        }
        SQLException failure = null;
        if (!pin.broken) {
            try {
                if (bounded(pin, keys).contains(pin.connectionId)) {
                    pin.confirmedAt = now;
                    return;
                }
            } catch (SQLException e) {
                failure = e;
                pin.failedWith(e);
            }
            pin.broken = true;
            liveness.reportLost(pin);
        }
        throw lostHold(description, start, failure);
    }

    /** Asks the pin's session who holds {@code keys}, within the check's network bound (a dead network fails it). */
    private java.util.Set<Long> bounded(Pin pin, List<LockKey> keys) throws SQLException {
        return NetworkBound.run(
                pin.connection, SessionLiveness.CHECK_BOUND_MILLIS, () -> engine.holders(pin.connection, keys));
    }

    private LockLostException lostHold(String description, long start, SQLException failure) {
        return new LockLostException(
                "this thread's hold was lost (its database session ended or no longer holds the lock), so it cannot"
                        + " be re-entered: release the handle it holds, then acquire again",
                description,
                engine.name(),
                Durations.since(start),
                failure);
    }
}
