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
 * @param query its current (or last) statement, cut to 1000 characters
 */
public record SessionDescriptor(
        long connectionId,
        String user,
        String application,
        String state,
        String stateSince,
        String transactionStart,
        String query) {

    static SessionDescriptor of(SessionInfo session) {
        return new SessionDescriptor(
                session.connectionId(),
                session.user().orElse(null),
                session.applicationName().orElse(null),
                session.state().name(),
                session.stateSince().map(Instant::toString).orElse(null),
                session.transactionStart().map(Instant::toString).orElse(null),
                session.query().orElse(null));
    }
}
