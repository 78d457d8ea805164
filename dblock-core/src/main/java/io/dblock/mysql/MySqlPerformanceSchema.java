package io.dblock.mysql;

import io.dblock.LockUsageException;
import io.dblock.UnsupportedLockException;
import io.dblock.spi.Failure;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What {@code performance_schema} offers dblock on this server, for this user: the inspector needs it, the listing of
 * held names prefers it.
 */
final class MySqlPerformanceSchema {

    /** Whether {@code performance_schema} can be read for metadata locks. */
    enum State {
        READY,
        OFF,
        INSTRUMENT_OFF
    }

    private MySqlPerformanceSchema() {}

    /**
     * Whether {@code performance_schema} is on with its metadata-lock instrument enabled.
     *
     * @throws LockUsageException when it is on but this user may not read it, naming the privilege
     */
    static State state(Connection connection) throws SQLException {
        Object on = Sql.row(connection, "SELECT @@performance_schema", List.of(), WaitGuard.NONE)[0];
        if (on == null || ((Number) on).intValue() == 0) {
            return State.OFF;
        }
        try {
            Object[] row = Sql.row(
                    connection,
                    "SELECT COUNT(*) FROM performance_schema.setup_instruments WHERE NAME ="
                            + " 'wait/lock/metadata/sql/mdl' AND ENABLED = 'YES'",
                    List.of(),
                    WaitGuard.NONE);
            return ((Number) row[0]).longValue() > 0 ? State.READY : State.INSTRUMENT_OFF;
        } catch (SQLException e) {
            if (MySqlErrors.classify(e) == Failure.PRIVILEGE) {
                throw missingPrivilege(e);
            }
            throw e;
        }
    }

    /** Refuses, saying how to turn it on, unless {@code performance_schema} is {@link State#READY}. */
    static void require(Connection connection, String engine) throws SQLException {
        if (state(connection) != State.READY) {
            throw new UnsupportedLockException(
                    engine + " does not expose its locks: start the server with --performance-schema=ON"
                            + " --performance-schema-instrument='wait/lock/metadata/sql/mdl=ON' (MySQL 8 has both"
                            + " on by default), and grant SELECT on performance_schema",
                    null);
        }
    }

    /** The usage error for a user who may not read {@code performance_schema}. */
    static LockUsageException missingPrivilege(SQLException e) {
        return new LockUsageException(
                "the database user lacks the SELECT privilege on performance_schema, where dblock reads locks"
                        + " (metadata_locks, threads, session_connect_attrs, setup_instruments): GRANT SELECT ON"
                        + " performance_schema.* TO the user (server said: " + e.getMessage() + ")",
                null,
                null,
                null,
                e);
    }
}
