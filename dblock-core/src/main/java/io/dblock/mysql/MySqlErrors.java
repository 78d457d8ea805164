package io.dblock.mysql;

import io.dblock.spi.Failure;
import java.sql.SQLException;

/** MySQL and MariaDB error codes that matter to locks (from the servers' error references). */
final class MySqlErrors {

    /** SQLState dblock gives its own exception when {@code GET_LOCK} returns NULL (a killed wait on MariaDB). */
    static final String GET_LOCK_NULL = "70100";

    private MySqlErrors() {}

    /**
     * A wait that the statement limit dblock set for it ended ({@code SET STATEMENT max_statement_time = s FOR LOCK
     * TABLES ...} on MariaDB): a timeout, with the server's own error (1969, ER_STATEMENT_TIMEOUT) as its cause.
     */
    static final class OwnDeadline extends java.sql.SQLTimeoutException {
        private static final long serialVersionUID = 1L;

        OwnDeadline(SQLException serverError) {
            super(
                    "not granted within the wait: the statement limit set for it ended it (" + serverError.getMessage()
                            + ")",
                    serverError.getSQLState(),
                    serverError.getErrorCode(),
                    serverError);
        }
    }

    static Failure classify(SQLException e) {
        if (e instanceof OwnDeadline) {
            return Failure.TIMEOUT;
        }
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return Failure.CONNECTION;
        }
        if ("HY008".equals(state) || e.getClass().getName().endsWith(".MySQLStatementCancelledException")) {
            // MySQL Connector/J reports its own cancel (Statement.cancel, as on an interrupt) without a server error
            // code, and without a SQLState when the cancel is seen on the client side
            return Failure.CANCELLED;
        }
        return byErrorCode(e.getErrorCode(), state);
    }

    private static Failure byErrorCode(int errorCode, String state) {
        return switch (errorCode) {
            case 1205 -> Failure.TIMEOUT; // ER_LOCK_WAIT_TIMEOUT: lock_wait_timeout, MariaDB WAIT n / NOWAIT
            case 1213, 3058 -> Failure.DEADLOCK; // ER_LOCK_DEADLOCK (MariaDB user locks too), ER_USER_LOCK_DEADLOCK
            case 1317, 3024 -> Failure.CANCELLED; // ER_QUERY_INTERRUPTED, ER_QUERY_TIMEOUT
            case 1100 -> Failure.TABLE_NOT_LOCKED; // ER_TABLE_NOT_LOCKED
            case 1146, 1049 -> Failure.UNDEFINED_TABLE; // ER_NO_SUCH_TABLE, ER_BAD_DB_ERROR
            case 1044, 1045, 1142, 1227 -> Failure.PRIVILEGE; // access denied variants
            case 2006, 2013, 1927 -> Failure.CONNECTION; // server gone, lost connection, connection killed
            default -> GET_LOCK_NULL.equals(state) ? Failure.CANCELLED : Failure.OTHER;
        };
    }
}
