package io.dblock.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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
}
