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
     * How long the server lets this session sit idle, outside a transaction, before it ends the session (and with it
     * every session lock): PostgreSQL {@code idle_session_timeout} (14 and newer), MySQL/MariaDB {@code wait_timeout}.
     *
     * @return the limit; empty if the server sets none
     */
    Optional<Duration> idleLimit(Connection connection) throws SQLException;

    /**
     * Makes the server end this session, and free its locks, once its client has been silent for about {@code bound}
     * (a network partition, a crashed or frozen client host), where the server would otherwise keep it until its own
     * TCP timeout (hours). dblock calls it on a pinned session from its keepalive, which then uses the session well
     * within the bound so a healthy holder is never ended. PostgreSQL: {@code tcp_keepalives_idle} half the bound,
     * {@code tcp_keepalives_interval} a sixth, {@code tcp_keepalives_count} 3, {@code tcp_user_timeout} the bound.
     * MySQL/MariaDB: {@code wait_timeout} lowered to the bound. One round trip.
     *
     * @param bound at least 3 s
     * @return what {@link #restoreSilentClientBound} needs to put the session's settings back
     */
    List<String> boundSilentClient(Connection connection, Duration bound) throws SQLException;

    /** Puts back the settings {@link #boundSilentClient} changed, before the connection goes back to its pool. */
    void restoreSilentClientBound(Connection connection, List<String> previous) throws SQLException;
}
