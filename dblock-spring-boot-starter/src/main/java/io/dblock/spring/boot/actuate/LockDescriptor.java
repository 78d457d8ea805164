package io.dblock.spring.boot.actuate;

import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import java.time.Duration;
import java.time.Instant;

/**
 * One lock in the {@code dblock} endpoint's answer: a flattened {@link LockInfo} with its session. Absent values are
 * {@code null}; instants are ISO-8601 strings.
 *
 * @param connectionId the holder's or waiter's connection id (PostgreSQL backend pid, MySQL/MariaDB connection id)
 * @param kind {@code TABLE} or {@code ADVISORY}
 * @param target what is locked: {@code table "public"."orders"} or {@code advisory "invoice:42"}
 * @param mode the lock mode, e.g. {@code ACCESS_EXCLUSIVE}, {@code EXCLUSIVE}, {@code SHARED}
 * @param granted {@code true} if held, {@code false} if waiting
 * @param waitingSince for a waiting request, when the wait began
 * @param waitedMillis for a waiting request, how long it has waited
 * @param user the session's database user
 * @param application the session's application name
 * @param state the session's state: {@code ACTIVE}, {@code IDLE}, {@code IDLE_IN_TRANSACTION}...
 * @param stateSince when the session entered its state
 * @param transactionStart when the session's open transaction began
 * @param query the session's current (or last) statement, cut to 1000 characters; {@code null} for an idle dblock
 *     holder (its last statement was dblock's own)
 * @param dblockLabel for a session a {@code DbLocks} holds session locks on, its label {@code dblock <pid>@<host>}
 *     ({@link SessionInfo#dblockLabel()}); {@code null} for any other session
 */
public record LockDescriptor(
        long connectionId,
        String kind,
        String target,
        String mode,
        boolean granted,
        String waitingSince,
        Long waitedMillis,
        String user,
        String application,
        String state,
        String stateSince,
        String transactionStart,
        String query,
        String dblockLabel) {

    /** A lock whose session has no dblock label. */
    public LockDescriptor(
            long connectionId,
            String kind,
            String target,
            String mode,
            boolean granted,
            String waitingSince,
            Long waitedMillis,
            String user,
            String application,
            String state,
            String stateSince,
            String transactionStart,
            String query) {
        this(
                connectionId,
                kind,
                target,
                mode,
                granted,
                waitingSince,
                waitedMillis,
                user,
                application,
                state,
                stateSince,
                transactionStart,
                query,
                null);
    }

    static LockDescriptor of(LockInfo lock) {
        SessionInfo session = lock.session();
        return new LockDescriptor(
                lock.connectionId(),
                lock.kind().name(),
                lock.target(),
                lock.mode(),
                lock.granted(),
                lock.waitingSince().map(Instant::toString).orElse(null),
                lock.waited().map(Duration::toMillis).orElse(null),
                session.user().orElse(null),
                session.applicationName().orElse(null),
                session.state().name(),
                session.stateSince().map(Instant::toString).orElse(null),
                session.transactionStart().map(Instant::toString).orElse(null),
                session.query().orElse(null),
                session.dblockLabel().orElse(null));
    }
}
