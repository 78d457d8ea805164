package io.dblock.postgres;

import io.dblock.spi.Failure;
import java.sql.SQLException;

/** SQLStates from the PostgreSQL manual (Appendix A) that matter to locks. */
final class PostgresErrors {

    private PostgresErrors() {}

    static Failure classify(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return Failure.OTHER;
        }
        return switch (state) {
            case "55P03" -> Failure.TIMEOUT; // lock_not_available: NOWAIT or lock_timeout
            case "40P01" -> Failure.DEADLOCK; // deadlock_detected
            case "57014" -> Failure.CANCELLED; // query_canceled
            case "25P01" -> Failure.NOT_IN_TRANSACTION; // no_active_sql_transaction
            case "25P02" -> Failure.TRANSACTION_FAILED; // in_failed_sql_transaction
            case "42P01", "3F000" -> Failure.UNDEFINED_TABLE; // undefined_table, invalid_schema_name
            case "42501" -> Failure.PRIVILEGE; // insufficient_privilege
            // admin_shutdown (also pg_terminate_backend), crash_shutdown, cannot_connect_now, idle_session_timeout
            // (14+)
            case "57P01", "57P02", "57P03", "57P05" -> Failure.CONNECTION;
            default -> state.startsWith("08") ? Failure.CONNECTION : Failure.OTHER;
        };
    }
}
