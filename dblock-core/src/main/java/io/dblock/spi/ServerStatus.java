package io.dblock.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Optional facet: what the server a connection reaches says of itself, read once per physical connection before dblock
 * takes a session lock on it: whether it is a standby (whose locks exclude nothing on the primary), and how long ago it
 * came up or was promoted (for the grace period after a restart or failover, {@code DbLocks.Builder#failoverGrace}).
 * Without the facet neither is checked.
 */
public interface ServerStatus {

    /**
     * What the server says, measured by its own clock.
     *
     * @param connection a connection in auto-commit, holding nothing; left as it was
     * @throws SQLException if the server cannot be asked
     */
    Status read(Connection connection) throws SQLException;

    /**
     * A server's answer.
     *
     * @param standby whether the server is a standby or replica (PostgreSQL {@code pg_is_in_recovery()}; MySQL/MariaDB
     *     read-only with replication configured)
     * @param upFor how long ago the server started or was last promoted, whichever is later; empty if it cannot tell
     * @param unknown what could not be read, for the log (null if everything could): for example the promotion time,
     *     which on PostgreSQL needs {@code pg_ls_waldir()}
     */
    record Status(boolean standby, Optional<Duration> upFor, String unknown) {}
}
