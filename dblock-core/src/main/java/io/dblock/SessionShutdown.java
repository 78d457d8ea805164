package io.dblock;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shutting the session locks down: refusing new ones, reporting every live hold lost, waiting for the holders to
 * release, and ending the sessions of what is still held after the grace.
 */
final class SessionShutdown {

    /** Logs under {@link SessionLocks}' name, as before these parts had classes of their own. */
    private static final System.Logger LOG = SessionLocks.LOG;

    private final SessionHolds holds;
    private final SessionLiveness liveness;

    /** Set by {@link #shutDown}: no new session locks. */
    private volatile boolean closing;

    private final ReentrantLock drainLock = new ReentrantLock();
    private final Condition drained = drainLock.newCondition();

    SessionShutdown(SessionHolds holds, SessionLiveness liveness) {
        this.holds = holds;
        this.liveness = liveness;
    }

    /** Refuses a new session lock once shutdown has begun. */
    void requireOpen(String description) {
        if (closing) {
            throw new LockUsageException(
                    "this DbLocks is closed (the application is shutting down): no new session locks", description);
        }
    }

    /** Called as each hold's release begins: during shutdown, wakes the wait for the holders to finish. */
    void holdEnded() {
        if (closing) {
            drainLock.lock();
            try {
                drained.signalAll();
            } finally {
                drainLock.unlock();
            }
        }
    }

    /**
     * Shuts down: refuses new session locks, reports every live hold lost (its pin marked broken, so its release sends
     * nothing and ends the session instead), waits up to {@code grace} for the holders to release, then aborts the
     * connections of what is left so the server frees those locks, and logs them.
     */
    void shutDown(Duration grace) {
        closing = true;
        for (Pin pin : pinsOfUnreleased()) {
            pin.broken = true;
            liveness.reportLost(pin);
        }
        awaitReleased(grace);
        endRemaining(grace);
        holds.live.forEach(JvmLocks::removed);
    }

    private Set<Pin> pinsOfUnreleased() {
        Set<Pin> pinned = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Hold hold : holds.live) {
            if (!hold.isReleased()) {
                pinned.addAll(hold.pins);
            }
        }
        return pinned;
    }

    /** Waits up to {@code grace} for every live hold to be released (an interrupt ends the wait). */
    private void awaitReleased(Duration grace) {
        long deadline = System.nanoTime() + Math.min(grace.toNanos(), Long.MAX_VALUE / 4);
        drainLock.lock();
        try {
            while (holds.live.stream().anyMatch(h -> !h.isReleased())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                drained.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            drainLock.unlock();
        }
    }

    /** Aborts the sessions of the holds still unreleased after the grace, logging each hold. */
    private void endRemaining(Duration grace) {
        Set<Pin> leftPins = pinsOfUnreleased();
        if (leftPins.isEmpty()) {
            return;
        }
        LOG.log(
                Level.WARNING,
                "DbLocks closed with session locks still held after the " + grace.toMillis() + " ms grace; ending their"
                        + " sessions so the server frees them:" + describeUnreleased());
        for (Pin pin : leftPins) {
            pin.abortSession();
        }
    }

    /** One line per unreleased hold: what it locks, its thread and where it was acquired. */
    private String describeUnreleased() {
        StringBuilder still = new StringBuilder();
        for (Hold hold : holds.live) {
            if (!hold.isReleased()) {
                still.append("\n  ")
                        .append(hold.description())
                        .append(", held by thread '")
                        .append(hold.owner.getName())
                        .append("', acquired at:")
                        .append(hold.siteText());
            }
        }
        return still.toString();
    }
}
