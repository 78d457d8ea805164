package io.dblock.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Facet of a {@link LockEngine} whose server ends idle sessions after a limit it can tell: dblock then keeps the
 * sessions it pins for session locks busy well within that limit, so that an idle-session killer does not take their
 * locks. Without the facet, pinned sessions get no keepalive.
 */
public interface SessionLimits {

    /**
     * How long the server lets this session sit idle before it ends the session (and with it every lock on it), in the
     * state it is in: outside a transaction PostgreSQL {@code idle_session_timeout} (14 and newer), MySQL/MariaDB {@code
     * wait_timeout}; with auto-commit off (locks held in an open transaction, {@code io.dblock.Pooler#TRANSACTION})
     * PostgreSQL {@code idle_in_transaction_session_timeout}.
     *
     * @return the limit; empty if the server sets none
     */
    Optional<Duration> idleLimit(Connection connection) throws SQLException;

    /**
     * Prepares a pinned session for a long hold, in one round trip: labels it as a dblock holder, and (unless {@code
     * bound} is zero) makes the server end it, and free its locks, once its client has been silent for about {@code
     * bound} (a network partition, a crashed or frozen client host), where the server would otherwise keep it until its
     * own TCP timeout (hours). dblock calls it on a pinned session from its keepalive's first pass, which then uses the
     * session well within the bound so a healthy holder is never ended.
     *
     * <p>The label ({@code dblock <pid>@<host>}, printable ASCII, at most 36 characters) is bound as a parameter and
     * made visible to other sessions: PostgreSQL appends it to {@code application_name} ({@code "<name> [<label>]"},
     * the name cut so the whole fits 63 bytes); MySQL/MariaDB set the user variable {@code @dblock_holder}, which
     * {@code performance_schema.user_variables_by_thread} shows. The bound: PostgreSQL {@code tcp_keepalives_idle}
     * half of it, {@code tcp_keepalives_interval} a sixth, {@code tcp_keepalives_count} 3, {@code tcp_user_timeout}
     * the bound; MySQL/MariaDB {@code wait_timeout} lowered to it (the old value kept in {@code
     * @dblock_wait_timeout}).
     *
     * @param bound at least 3 s, or {@link Duration#ZERO} to leave the server's own timeouts
     * @param label the label, never null
     * @return what {@link #restoreHolder} needs to put the session's settings back
     */
    List<String> prepareHolder(Connection connection, Duration bound, String label) throws SQLException;

    /**
     * Puts back what {@link #prepareHolder} changed (the label included), before the connection goes back to its pool.
     */
    void restoreHolder(Connection connection, List<String> previous) throws SQLException;
}
