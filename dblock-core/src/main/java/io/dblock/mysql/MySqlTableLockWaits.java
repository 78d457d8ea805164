package io.dblock.mysql;

import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * How {@code LOCK TABLES} waits. On MariaDB a timed wait runs as {@code SET STATEMENT max_statement_time = s FOR LOCK TABLES ... WAIT n}:
 * the statement limit ends it at its deadline (milliseconds), {@code WAIT n} (whole seconds, rounded up) is the
 * server's own lock-wait clause behind it. A session {@code max_statement_time} shorter than the wait stays in force
 * and its error (1969) is reported, not taken for a timeout. {@code NOWAIT} refuses at once. MySQL has neither clause,
 * so dblock sets the session's {@code lock_wait_timeout} around the statement and restores the previous value: whole
 * seconds, rounded up, at least 1 (MySQL cannot refuse at once, and its {@code max_execution_time} covers only
 * {@code SELECT}). "Forever" is the server's {@code lock_wait_timeout} maximum, one year.
 */
final class MySqlTableLockWaits {

    private static final long FOREVER_SECONDS = MySqlEngine.LONGEST_WAIT.toSeconds();

    /** MariaDB's {@code ER_STATEMENT_TIMEOUT}: {@code max_statement_time} ended the statement. */
    private static final int ER_STATEMENT_TIMEOUT = 1969;

    private MySqlTableLockWaits() {}

    /**
     * MariaDB's {@code LOCK TABLES ... WAIT n}/{@code NOWAIT}, under a statement limit for a timed wait ({@link
     * #statementLimit}); when that limit ends it, a {@link MySqlErrors.OwnDeadline} (a timeout) with the server's error.
     */
    static boolean onMariaDb(Connection connection, String tables, Wait wait, double sessionLimit, WaitGuard guard)
            throws SQLException {
        String limit = statementLimit(wait, sessionLimit);
        try {
            Sql.execute(connection, limit + tables + mariaDbWait(wait), guard);
            return true;
        } catch (SQLException e) {
            if (!limit.isEmpty() && e.getErrorCode() == ER_STATEMENT_TIMEOUT) {
                throw new MySqlErrors.OwnDeadline(e); // our own deadline, set just for this statement: a timeout
            }
            throw e;
        }
    }

    /**
     * {@code SET STATEMENT max_statement_time = s FOR } for a timed wait, so it ends at its deadline to the millisecond
     * ({@code WAIT n} is whole seconds); empty when the wait is none or forever, or when the session's own {@code
     * max_statement_time} ({@code sessionLimit} seconds, 0 for none) is shorter and must stay in force.
     */
    private static String statementLimit(Wait wait, double sessionLimit) {
        if (wait.isNone() || wait.isForever()) {
            return "";
        }
        double seconds = Math.max(1, wait.millisRoundedUp()) / 1000.0;
        if (sessionLimit > 0 && sessionLimit <= seconds) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, "SET STATEMENT max_statement_time = %.3f FOR ", seconds);
    }

    private static String mariaDbWait(Wait wait) {
        if (wait.isNone()) {
            return " NOWAIT";
        }
        return " WAIT " + (wait.isForever() ? FOREVER_SECONDS : seconds(wait));
    }

    private static long seconds(Wait wait) {
        return Math.max(1, (wait.millisRoundedUp() + 999) / 1000);
    }

    /**
     * MySQL's {@code LOCK TABLES}, under a session {@code lock_wait_timeout} set for it and restored after it.
     */
    static void onMySql(Connection connection, String statement, Wait wait, WaitGuard guard) throws SQLException {
        long previous = ((Number)
                        Sql.row(connection, "SELECT @@SESSION.lock_wait_timeout", List.of(), WaitGuard.NONE)[0])
                .longValue();
        long seconds = wait.isForever() ? FOREVER_SECONDS : seconds(wait);
        Sql.execute(connection, "SET SESSION lock_wait_timeout = " + seconds, WaitGuard.NONE);
        try {
            Sql.execute(connection, statement, guard);
        } finally {
            Sql.execute(connection, "SET SESSION lock_wait_timeout = " + previous, WaitGuard.NONE);
        }
    }
}
