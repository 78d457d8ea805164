package io.dblock.inspect;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One edge of the wait-for graph: {@code waiter} waits for a lock that {@code blocker} holds, or that {@code blocker}
 * requested earlier in a conflicting mode (PostgreSQL queues fairly, so an earlier waiter blocks later ones).
 *
 * @param waiter the waiting session
 * @param blocker a session it waits for; a waiter blocked by several sessions appears in one edge per blocker
 * @param waitingFor the waiter's pending lock, when it is a table or advisory lock (PostgreSQL also reports waits for
 *     row locks, which show here with this empty)
 * @param waited how long the waiter has waited, when the server says
 */
public record LockWait(
        SessionInfo waiter, SessionInfo blocker, Optional<LockInfo> waitingFor, Optional<Duration> waited) {

    /** Checks that no component is null. */
    public LockWait {
        Objects.requireNonNull(waiter, "waiter");
        Objects.requireNonNull(blocker, "blocker");
        Objects.requireNonNull(waitingFor, "waitingFor");
        Objects.requireNonNull(waited, "waited");
    }
}
