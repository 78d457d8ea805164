package io.dblock.inspect;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A database session as the server describes it at the moment of inspection: who it is, what it is doing, and since
 * when.
 *
 * @param connectionId the server's id for the session: PostgreSQL backend pid, MySQL/MariaDB connection id; the
 *     argument {@link LockInspector#cancel(long)} and {@link LockInspector#terminate(long)} take
 * @param user the database user, if the server reports it
 * @param applicationName PostgreSQL {@code application_name}; MySQL/MariaDB connection attribute {@code program_name}
 * @param state what the session is doing
 * @param stateSince when it entered {@code state} (PostgreSQL {@code state_change}; MySQL/MariaDB: the inspection time
 *     minus the processlist {@code TIME}, whole seconds)
 * @param transactionStart when its open transaction began, if it has one and the server says
 * @param query its current (or, when idle on PostgreSQL, last) statement, cut to {@value #MAX_QUERY_CHARS} characters
 */
public record SessionInfo(
        long connectionId,
        Optional<String> user,
        Optional<String> applicationName,
        SessionState state,
        Optional<Instant> stateSince,
        Optional<Instant> transactionStart,
        Optional<String> query) {

    /** Longest query text kept; longer texts are cut and end with an ellipsis. */
    public static final int MAX_QUERY_CHARS = 1000;

    /** Checks that no component is null and cuts {@code query}. */
    public SessionInfo {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(applicationName, "applicationName");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(stateSince, "stateSince");
        Objects.requireNonNull(transactionStart, "transactionStart");
        query = Objects.requireNonNull(query, "query").map(SessionInfo::cut);
    }

    /** A session the server did not describe (it ended between two queries of the inspection). */
    public static SessionInfo unknown(long connectionId) {
        return new SessionInfo(
                connectionId,
                Optional.empty(),
                Optional.empty(),
                SessionState.OTHER,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /**
     * How long the session has been in its state, measured against {@code now}.
     *
     * @param now the moment to measure to, normally the inspection time
     * @return the duration, never negative, or empty if the server did not say
     */
    public Optional<Duration> inStateFor(Instant now) {
        return stateSince.map(since -> nonNegative(Duration.between(since, now)));
    }

    /** True when idle inside an open transaction: such a session holds its locks while doing nothing. */
    public boolean idleInTransaction() {
        return state == SessionState.IDLE_IN_TRANSACTION || state == SessionState.IDLE_IN_FAILED_TRANSACTION;
    }

    static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static String cut(String query) {
        return query.length() <= MAX_QUERY_CHARS ? query : query.substring(0, MAX_QUERY_CHARS - 1) + "…";
    }
}
