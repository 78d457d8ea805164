package io.dblock;

import java.time.Duration;

/**
 * Hears what happens to the locks of one {@link DbLocks}: for metrics, logs and tracing. Register with {@link
 * DbLocks.Builder#listener(LockListener)}.
 *
 * <p>Methods run synchronously on the thread that acquires or releases, after the database has answered; keep them
 * fast and non-blocking. An exception thrown by a listener is logged (logger {@code io.dblock.LockListener}, level
 * {@code WARNING}) and otherwise ignored: it never changes the outcome of a lock operation. Listeners must be
 * thread-safe.
 */
public interface LockListener {

    /** A request was granted (including a re-entrant one, which costs no SQL and has {@code waited} zero). */
    default void acquired(LockEvent event) {}

    /**
     * A request ended without the lock: {@link LockEvent#outcome()} says why (timed out or refused by a {@code try}
     * form, deadlock victim, interrupted, error). A blocking form then throws; a {@code try} form returns empty.
     */
    default void notAcquired(LockEvent event) {}

    /**
     * A session lock was released. Transaction-scoped and table locks end with their transaction, which dblock does
     * not see, so they have no release event.
     *
     * @param held from the acquisition until the release
     */
    default void released(LockEvent event, Duration held) {}

    /**
     * A session lock turned out to be lost: the server said on release that it was no longer held, or its connection
     * had failed. Released locks are reported by {@link #released} or by this method, never both.
     */
    default void lost(LockEvent event) {}

    /**
     * A session-lock request waited for the grace period of a server that had just come up ({@link Failover}), before
     * its lock statement was sent (or was refused for it, if its own wait was shorter).
     *
     * @param lock the lock's description, as in {@link LockEvent#lock()}
     * @param engine the engine's name, as in {@link LockEvent#engine()}
     * @param waited how long the request waited for the grace period
     */
    default void graceWaited(String lock, String engine, Duration waited) {}
}
