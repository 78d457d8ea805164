package io.dblock.spring.boot.actuate;

import io.dblock.inspect.SessionInfo;
import java.time.Instant;

/**
 * A database session in the {@code dblock} endpoint's answer: a flattened {@link SessionInfo}. Absent values are
 * {@code null}; instants are ISO-8601 strings.
 *
 * @param connectionId the server's id for the session, as {@code LockInspector.terminate(long)} takes it
 * @param user the database user
 * @param application the application name
 * @param state {@code ACTIVE}, {@code IDLE}, {@code IDLE_IN_TRANSACTION}, {@code IDLE_IN_FAILED_TRANSACTION} or
 *     {@code OTHER}
 * @param stateSince when the session entered its state
 * @param transactionStart when its open transaction began
 * @param query its current (or last) statement, cut to 1000 characters; {@code null} for an idle dblock holder (its
 *     last statement was dblock's own)
 * @param dblockLabel for a session a {@code DbLocks} holds session locks on, its label {@code dblock <pid>@<host>}
 *     ({@link SessionInfo#dblockLabel()}); {@code null} for any other session
 */
public record SessionDescriptor(
        long connectionId,
        String user,
        String application,
        String state,
        String stateSince,
        String transactionStart,
        String query,
        String dblockLabel) {

    /** A session without a dblock label. */
    public SessionDescriptor(
            long connectionId,
            String user,
            String application,
            String state,
            String stateSince,
            String transactionStart,
            String query) {
        this(connectionId, user, application, state, stateSince, transactionStart, query, null);
    }

    static SessionDescriptor of(SessionInfo session) {
        return new SessionDescriptor(
                session.connectionId(),
                session.user().orElse(null),
                session.applicationName().orElse(null),
                session.state().name(),
                session.stateSince().map(Instant::toString).orElse(null),
                session.transactionStart().map(Instant::toString).orElse(null),
                session.query().orElse(null),
                session.dblockLabel().orElse(null));
    }
}
