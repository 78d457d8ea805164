package io.dblock.postgres;

import io.dblock.spi.PoolerDetection;
import io.dblock.spi.WaitGuard;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A pooler is there when pgjdbc's {@code PGConnection.getBackendPID()}, the key of the protocol's BackendKeyData,
 * differs from the server's {@code pg_backend_pid()}: on a direct connection they are the same number, while PgBouncer
 * (in every pool mode) gives each client a random key of its own. One query. pgjdbc is reached by reflection, as
 * dblock-core does not depend on it; with another driver nothing is detected.
 */
final class PostgresPoolerDetection implements PoolerDetection {

    @Override
    public boolean behindPooler(Connection connection) throws SQLException {
        Long key = protocolKey(connection);
        if (key == null) {
            return false;
        }
        long serverPid = ((Number) new Batch()
                        .add("SELECT pg_backend_pid()")
                        .execute(connection, WaitGuard.NONE)
                        .get(0)[0])
                .longValue();
        return serverPid != key;
    }

    /**
     * pgjdbc's {@code prepareThreshold} set to 0 on the connection (no server-side prepared statements, which a
     * transaction pooler before PgBouncer 1.21 cannot keep: {@code 42P05 prepared statement "S_1" already exists} or
     * {@code 26000 ... does not exist}), and what sets it back. Nothing with another driver.
     */
    @Override
    public Runnable adaptToPooler(Connection connection) throws SQLException {
        Object pg = pgConnection(connection);
        if (pg == null) {
            return () -> {};
        }
        try {
            Method get = pg.getClass().getMethod("getPrepareThreshold");
            Method set = pg.getClass().getMethod("setPrepareThreshold", int.class);
            int before = ((Number) get.invoke(pg)).intValue();
            set.invoke(pg, 0);
            return () -> {
                try {
                    set.invoke(pg, before);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // the connection keeps threshold 0: slower for the next borrower, never wrong
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            return () -> {};
        }
    }

    /** The connection as pgjdbc's {@code PGConnection}, or null if the driver is not pgjdbc. */
    private static Object pgConnection(Connection connection) throws SQLException {
        Class<?> pgConnection = io.dblock.spi.JdbcStatements.driverType(connection, "org.postgresql.PGConnection")
                .orElse(null);
        return pgConnection != null && connection.isWrapperFor(pgConnection) ? connection.unwrap(pgConnection) : null;
    }

    /** pgjdbc's {@code getBackendPID()}, or null if the driver is not pgjdbc. */
    private static Long protocolKey(Connection connection) throws SQLException {
        Object pg = pgConnection(connection);
        if (pg == null) {
            return null;
        }
        try {
            return ((Number) pg.getClass().getMethod("getBackendPID").invoke(pg)).longValue();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
