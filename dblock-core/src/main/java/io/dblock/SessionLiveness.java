package io.dblock;

import io.dblock.spi.Failure;
import io.dblock.spi.LockEngine;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether pinned sessions still hold their locks, as the watchdog asks them ({@link #checkLive}), and reporting a dead
 * session's holds lost (each once). The owner thread's own checks ({@link HoldConfirmation}), keepalives ({@link
 * SessionKeepalive}) and shutdown ({@link SessionShutdown}) build on it.
 */
final class SessionLiveness {

    /** Logs under {@link SessionLocks}' name, as before these parts had classes of their own. */
    private static final System.Logger LOG = SessionLocks.LOG;

    private final LockEngine engine;
    private final Listeners listeners;
    private final SessionHolds holds;

    /**
     * How long a background check (watchdog, keepalive) waits for the holding session's answer before it counts the
     * session gone: a silent network partition then ends the holder's hold within the check's cadence plus this.
     */
    static final long CHECK_BOUND_MILLIS = NetworkBound.MARGIN_MILLIS;

    SessionLiveness(LockEngine engine, Listeners listeners, SessionHolds holds) {
        this.engine = engine;
        this.listeners = listeners;
        this.holds = holds;
    }

    /**
     * One watchdog pass. For each pinned connection with live handles, asks that session itself whether it still holds
     * its keys ({@code pg_locks} / {@code IS_USED_LOCK}, one query on the pin's own connection): no spare connection
     * from the pool is needed, so a pool full of holders is checked as well as an idle one. The pin is entered ({@link
     * Pin#busy}) for the check, so the holds it looks at cannot start or end during it; a pin whose owner is inside
     * dblock right now is skipped this pass (the owner's own statement will meet a dead session first).
     *
     * <p>A hold is reported lost when the session failed (a connection error on that query, or on an earlier
     * statement) or the server answered that the session no longer holds the keys. Any other failure of the query
     * proves nothing and marks nothing. Each hold is reported once.
     *
     * @return the descriptions of the holds found lost in this pass
     */
    List<String> checkLive() {
        List<String> lost = new java.util.ArrayList<>();
        for (Pin pin : pinsOfLiveHolds()) {
            if (pin.broken) {
                lost.addAll(reportLost(pin));
            } else if (pin.busy.tryLock()) {
                try {
                    if (!pin.returned && !confirm(pin)) {
                        pin.broken = true;
                        lost.addAll(reportLost(pin));
                    }
                } finally {
                    pin.busy.unlock();
                }
            }
        }
        return lost;
    }

    /** The pins of the unreleased holds; released holds still listed are dropped from the list on the way. */
    Set<Pin> pinsOfLiveHolds() {
        java.util.Map<Pin, Boolean> pinned = new java.util.IdentityHashMap<>();
        for (Hold hold : holds.live) {
            if (hold.isReleased()) {
                holds.ended(hold);
            } else {
                for (Pin pin : hold.pins) {
                    pinned.put(pin, Boolean.TRUE);
                }
            }
        }
        return pinned.keySet();
    }

    /**
     * Asks the pin's own session whether it holds every key of its live holds; the caller has entered the pin.
     *
     * @return false if the session is gone or no longer holds them; true if it does, or if the answer proves nothing
     */
    boolean confirm(Pin pin) {
        Set<LockKey> keys = liveKeys(pin);
        if (keys.isEmpty() || pin.connectionId < 0) {
            return true;
        }
        long asked = System.nanoTime();
        try {
            List<LockKey> asking = List.copyOf(keys);
            boolean held = NetworkBound.run(
                            pin.connection, CHECK_BOUND_MILLIS, () -> engine.holders(pin.connection, asking))
                    .contains(pin.connectionId);
            if (held) {
                pin.confirmedAt = Math.max(pin.confirmedAt, asked);
            }
            return held;
        } catch (SQLException | RuntimeException e) {
            if (provesSessionGone(e)) {
                pin.failedWith((SQLException) e);
                return false;
            }
            return true;
        }
    }

    /** Whether a failed check proves the session gone (a connection failure); anything else proves nothing. */
    private boolean provesSessionGone(Exception e) {
        if (e instanceof SQLException && engine.classify((SQLException) e) == Failure.CONNECTION) {
            LOG.log(Level.DEBUG, "the watchdog's check failed on the holding session itself", e);
            return true;
        }
        LOG.log(Level.DEBUG, "watchdog check failed; nothing marked lost, trying again next interval", e);
        return false;
    }

    /** The keys the pin's session holds, in order; the caller has entered the pin. */
    private static Set<LockKey> liveKeys(Pin pin) {
        return new java.util.TreeSet<>(pin.heldKeys.keySet());
    }

    /** The loss report's exception: the connection failure that showed the session gone, if one did. */
    private Optional<io.dblock.LockException> cause(Pin pin, Hold hold) {
        SQLException e = pin.lossCause;
        return e == null
                ? Optional.empty()
                : Optional.of(new LockLostException(
                        "the session holding the lock failed", hold.description(), engine.name(), null, e));
    }

    /** Reports every unreleased hold on {@code pin} lost (each once); returns their descriptions. */
    List<String> reportLost(Pin pin) {
        List<String> lost = new java.util.ArrayList<>();
        for (Hold hold : holds.live) {
            if (hold.pins.contains(pin) && !hold.isReleased() && hold.reportLost(listeners, cause(pin, hold))) {
                lost.add(hold.description());
            }
        }
        return lost;
    }
}
