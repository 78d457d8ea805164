package io.dblock.mysql;

import io.dblock.spi.PoolerDetection;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A proxy is there when the thread id the driver got in the server's handshake (MariaDB Connector/J {@code
 * org.mariadb.jdbc.Connection.getThreadId()}, MySQL Connector/J {@code com.mysql.cj.jdbc.JdbcConnection.getId()})
 * differs from the server's {@code CONNECTION_ID()}: a proxy such as ProxySQL or MaxScale answers the handshake itself.
 * One query. The drivers are reached by reflection; with another driver nothing is detected. Not verified against a
 * real proxy (none can be installed where dblock is tested); what each proxy does with {@code GET_LOCK} is in the README.
 */
final class MySqlPoolerDetection implements PoolerDetection {

    private static final List<String[]> DRIVERS = List.of(
            new String[] {"org.mariadb.jdbc.Connection", "getThreadId"},
            new String[] {"com.mysql.cj.jdbc.JdbcConnection", "getId"});

    @Override
    public boolean behindPooler(Connection connection) throws SQLException {
        Long handshake = handshakeThreadId(connection);
        if (handshake == null) {
            return false;
        }
        long server =
                ((Number) Sql.row(connection, "SELECT CONNECTION_ID()", List.of(), WaitGuard.NONE)[0]).longValue();
        return server != handshake;
    }

    private static Long handshakeThreadId(Connection connection) throws SQLException {
        for (String[] driver : DRIVERS) {
            Class<?> type = io.dblock.spi.JdbcStatements.driverType(connection, driver[0])
                    .orElse(null);
            if (type != null && connection.isWrapperFor(type)) {
                Object unwrapped = connection.unwrap(type);
                try {
                    return ((Number) type.getMethod(driver[1]).invoke(unwrapped)).longValue();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
