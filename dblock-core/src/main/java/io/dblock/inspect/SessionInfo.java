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
 * @param applicationName PostgreSQL {@code application_name} (without the {@code [dblock ...]} dblock appends to a
 *     holder's, see {@code dblockLabel}); MySQL/MariaDB connection attribute {@code program_name}
 * @param state what the session is doing
 * @param stateSince when it entered {@code state} (PostgreSQL {@code state_change}; MySQL/MariaDB: the inspection time
 *     minus the processlist {@code TIME}, whole seconds)
 * @param transactionStart when its open transaction began, if it has one and the server says
 * @param query its current (or, when idle on PostgreSQL, last) statement, cut to {@value #MAX_QUERY_CHARS} characters;
 *     empty for an idle session dblock labelled (PostgreSQL would show its last statement, which is dblock's own
 *     housekeeping: a keepalive, or the driver's type lookup after a lock statement)
 * @param dblockLabel for a session on which a {@code DbLocks} holds session locks: the label it gave the session, {@code
 *     dblock <pid>@<host>} (the holder's JVM process id and short host name). Set by the keepalive's first pass, one
 *     keepalive tick (250 ms) after the first lock on a pinned connection, in the statement that pass runs anyway
 *     (PostgreSQL: appended to {@code application_name} as {@code "<application_name> [dblock <pid>@<host>]"}, at most 63 bytes, the original
 *     name cut to fit; MySQL/MariaDB: the user variable {@code @dblock_holder}, read from {@code
 *     performance_schema.user_variables_by_thread}), and put back before the connection returns to its pool. Empty
 *     for every other session, and where the keepalive is off ({@code keepaliveAt(0)} or {@code watchdog(ZERO)}) or
 *     the engine has no {@code SessionLimits}
 */
public record SessionInfo(
        long connectionId,
        Optional<String> user,
        Optional<String> applicationName,
        SessionState state,
        Optional<Instant> stateSince,
        Optional<Instant> transactionStart,
        Optional<String> query,
        Optional<String> dblockLabel) {

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
        Objects.requireNonNull(dblockLabel, "dblockLabel");
    }

    /** A session dblock did not label: {@code dblockLabel} empty. */
    public SessionInfo(
            long connectionId,
            Optional<String> user,
            Optional<String> applicationName,
            SessionState state,
            Optional<Instant> stateSince,
            Optional<Instant> transactionStart,
            Optional<String> query) {
        this(connectionId, user, applicationName, state, stateSince, transactionStart, query, Optional.empty());
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

    /** True for a session on which a {@code DbLocks} holds session locks and which it labelled ({@link #dblockLabel}). */
    public boolean isDblockHolder() {
        return dblockLabel.isPresent();
    }

    /**
     * What the session is doing, for people: its {@link #query}, or for an idle dblock holder, whose query is empty,
     * its role: {@code "dblock 4242@app-host-1: holds session locks, idle"}.
     *
     * @return the query or the role; empty if neither is known
     */
    public Optional<String> activity() {
        return query.isPresent()
                ? query
                : dblockLabel.map(
                        label -> label + ": holds session locks" + (state == SessionState.IDLE ? ", idle" : ""));
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
