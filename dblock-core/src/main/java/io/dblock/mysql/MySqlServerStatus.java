package io.dblock.mysql;

import io.dblock.spi.ServerStatus;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * MySQL/MariaDB: the server is a replica if it is read-only ({@code read_only} or MySQL's {@code super_read_only}) and
 * replication is configured on it ({@code SHOW REPLICA STATUS}, {@code SHOW SLAVE STATUS} before MySQL 8.0.22 and
 * MariaDB 10.5.1, returns a row; the manuals of both advise running replicas read-only). A read-only server whose
 * replica status cannot be read (the statement needs {@code REPLICATION CLIENT}, or {@code SLAVE MONITOR} on
 * MariaDB) counts as a replica, and the status says why. The time up is the {@code Uptime} status variable: MySQL
 * keeps no promotion time, since a replica becomes a primary by configuration. Two round trips, three or four on a
 * read-only server.
 */
final class MySqlServerStatus implements ServerStatus {

    @Override
    public Status read(Connection connection) throws SQLException {
        boolean readOnly = readOnly(connection);
        Object[] uptime = Sql.row(connection, "SHOW GLOBAL STATUS LIKE 'Uptime'", List.of(), WaitGuard.NONE);
        Optional<Duration> up = Optional.of(
                Duration.ofSeconds(Long.parseLong(String.valueOf(uptime[1]).trim())));
        return readOnly ? readOnlyStatus(connection, up) : new Status(false, up, null);
    }

    private static boolean readOnly(Connection connection) throws SQLException {
        boolean readOnly = false;
        for (Object[] row : Sql.rows(
                connection,
                "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('read_only', 'super_read_only')",
                List.of(),
                WaitGuard.NONE)) {
            String value = String.valueOf(row[1]);
            readOnly |= value.equalsIgnoreCase("ON") || value.equals("1");
        }
        return readOnly;
    }

    /** A read-only server is a replica if replication is configured; unreadable counts as one, saying why. */
    private static Status readOnlyStatus(Connection connection, Optional<Duration> up) {
        SQLException denied = null;
        for (String statement : List.of("SHOW REPLICA STATUS", "SHOW SLAVE STATUS")) {
            try {
                return new Status(
                        !Sql.rows(connection, statement, List.of(), WaitGuard.NONE)
                                .isEmpty(),
                        up,
                        null);
            } catch (SQLException e) {
                denied = e;
            }
        }
        return new Status(
                true,
                up,
                "the replica status of a read-only server (" + denied.getMessage() + "): it counts as a replica; grant"
                        + " REPLICATION CLIENT (MariaDB: SLAVE MONITOR) to tell a read-only primary from one");
    }
}
