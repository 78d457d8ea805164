package io.dblock.spring.boot.actuate;

import io.dblock.inspect.LockInfo;
import io.dblock.inspect.LockWait;
import java.time.Duration;

/**
 * One edge of the wait-for graph in the {@code dblock} endpoint's answer: {@code waiter} waits for a lock that {@code
 * blocker} holds (or requested earlier in a conflicting mode). Absent values are {@code null}.
 *
 * @param waiter the waiting session
 * @param blocker a session it waits for
 * @param target the lock it waits for, e.g. {@code advisory "invoice:42"}; {@code null} for a PostgreSQL row-lock wait
 * @param mode the mode it waits for, {@code null} with {@code target}
 * @param waitedMillis how long it has waited, when the server says
 */
public record WaitDescriptor(
        SessionDescriptor waiter, SessionDescriptor blocker, String target, String mode, Long waitedMillis) {

    static WaitDescriptor of(LockWait wait) {
        return new WaitDescriptor(
                SessionDescriptor.of(wait.waiter()),
                SessionDescriptor.of(wait.blocker()),
                wait.waitingFor().map(LockInfo::target).orElse(null),
                wait.waitingFor().map(LockInfo::mode).orElse(null),
                wait.waited().map(Duration::toMillis).orElse(null));
    }
}
