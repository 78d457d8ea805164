package io.dblock.mysql;

import io.dblock.LockUsageException;
import io.dblock.TableLockMode;
import io.dblock.TableLockRequest;
import io.dblock.TableName;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code LOCK TABLES} in the InnoDB-safe pattern: the caller's connection has {@code autocommit=0} and no open
 * transaction; dblock runs {@code LOCK TABLES a READ, b WRITE}; the work runs; {@code COMMIT}; {@code UNLOCK TABLES}.
 *
 * <p>Mode mapping: PostgreSQL {@code SHARE} (others may read, nobody may write) is {@code READ}; {@code ACCESS
 * EXCLUSIVE} (nobody else may read or write) is {@code WRITE}. The other six modes have no MySQL equivalent and are
 * refused. A table requested in both modes is locked {@code WRITE} (one statement may name a table once).
 *
 * <p>Waits: on MariaDB a timed wait runs as {@code SET STATEMENT max_statement_time = s FOR LOCK TABLES ... WAIT n}:
 * the statement limit ends it at its deadline (milliseconds), {@code WAIT n} (whole seconds, rounded up) is the
 * server's own lock-wait clause behind it. A session {@code max_statement_time} shorter than the wait stays in force
 * and its error (1969) is reported, not taken for a timeout. {@code NOWAIT} refuses at once. MySQL has neither clause,
 * so dblock sets the session's {@code lock_wait_timeout} around the statement and restores the previous value: whole
 * seconds, rounded up, at least 1 (MySQL cannot refuse at once, and its {@code max_execution_time} covers only
 * {@code SELECT}). "Forever" is the server's {@code lock_wait_timeout} maximum, one year.
 *
 * <p>Implicit commits. Of the statements dblock runs on a caller's connection, the MySQL 8 and MariaDB manuals list
 * {@code LOCK TABLES} and {@code UNLOCK TABLES} as committing an open transaction ("Statements That Cause an Implicit
 * Commit"); both are refused while {@code @@in_transaction} is set. The others ({@code SELECT @@...}, {@code SET
 * SESSION lock_wait_timeout}, {@code SET SESSION innodb_lock_wait_timeout}, {@code SET STATEMENT ... FOR}, {@code
 * GET_LOCK}, {@code RELEASE_LOCK}, {@code IS_USED_LOCK}) are not on that list. {@code SET autocommit = 1}, which does
 * commit, is only ever run on connections dblock borrowed itself.
 */
final class MySqlTableLocks {

    private static final long FOREVER_SECONDS = MySqlEngine.LONGEST_WAIT.toSeconds();

    private final boolean mariaDb;

    MySqlTableLocks(boolean mariaDb) {
        this.mariaDb = mariaDb;
    }

    void validate(TableLockRequest request) {
        mysqlMode(request.mode());
        checkIdentifier(request.table().table());
        request.table().schema().ifPresent(MySqlTableLocks::checkIdentifier);
    }

    /**
     * MySQL's identifier rules, checked before any statement: at most 64 characters, none outside the Basic
     * Multilingual Plane (the server's identifier charset is 3-byte UTF-8), and no trailing space.
     */
    private static void checkIdentifier(String identifier) {
        if (identifier.codePointCount(0, identifier.length()) > 64) {
            throw new IllegalArgumentException(
                    "identifier '" + identifier + "' is longer than MySQL's 64-character limit");
        }
        identifier.codePoints().filter(c -> c > 0xFFFF).findFirst().ifPresent(c -> {
            throw new IllegalArgumentException("identifier '" + identifier + "' has the character U+"
                    + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                    + ", which MySQL and MariaDB identifiers cannot hold (only U+0001 to U+FFFF)");
        });
        if (identifier.endsWith(" ")) {
            throw new IllegalArgumentException(
                    "identifier '" + identifier + "' ends with a space, which MySQL and MariaDB table names cannot");
        }
    }

    private static String mysqlMode(TableLockMode mode) {
        return switch (mode) {
            case SHARE -> "READ";
            case ACCESS_EXCLUSIVE -> "WRITE";
            default ->
                throw new IllegalArgumentException("table lock mode " + mode
                        + " has no MySQL/MariaDB equivalent (LOCK TABLES has READ and WRITE only): use read(...)"
                        + " (SHARE, shown as READ) or write(...) (ACCESS EXCLUSIVE, shown as WRITE)");
        };
    }

    boolean lock(Connection connection, List<TableLockRequest> requests, Wait wait, WaitGuard guard)
            throws SQLException {
        Object[] session = Sql.row(
                connection,
                mariaDb ? "SELECT @@in_transaction, @@max_statement_time" : "SELECT @@in_transaction",
                List.of(),
                WaitGuard.NONE);
        refuseOpenTransaction(
                session[0], "LOCK TABLES", "lock the tables first, right after setAutoCommit(false) or COMMIT");
        String tables = "LOCK TABLES " + tableList(requests);
        try {
            if (mariaDb) {
                String limit = statementLimit(wait, ((Number) session[1]).doubleValue());
                try {
                    Sql.execute(connection, limit + tables + mariaDbWait(wait), guard);
                } catch (SQLException e) {
                    if (!limit.isEmpty() && e.getErrorCode() == ER_STATEMENT_TIMEOUT) {
                        return false; // our own deadline, set just for this statement
                    }
                    throw e;
                }
            } else {
                withLockWaitTimeout(connection, wait, tables, guard);
            }
            return true;
        } catch (SQLException e) {
            if (MySqlErrors.classify(e) == io.dblock.spi.Failure.TIMEOUT) {
                return false;
            }
            throw e;
        }
    }

    /** MariaDB's {@code ER_STATEMENT_TIMEOUT}: {@code max_statement_time} ended the statement. */
    private static final int ER_STATEMENT_TIMEOUT = 1969;

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

    /**
     * LOCK TABLES and UNLOCK TABLES silently commit an open transaction: refuse instead, before anything changes.
     *
     * @param inTransaction the session's {@code @@in_transaction}
     */
    private static void refuseOpenTransaction(Object inTransaction, String statement, String instead) {
        if (inTransaction != null && ((Number) inTransaction).intValue() != 0) {
            throw new LockUsageException(
                    "the connection's transaction is open, and " + statement + " would silently commit it: " + instead,
                    null);
        }
    }

    private static String tableList(List<TableLockRequest> requests) {
        Map<TableName, String> modes = new TreeMap<>();
        for (TableLockRequest r : requests) {
            modes.merge(r.table(), mysqlMode(r.mode()), (a, b) -> a.equals("WRITE") || b.equals("WRITE") ? "WRITE" : a);
        }
        StringBuilder sql = new StringBuilder();
        modes.forEach((table, mode) -> sql.append(sql.length() == 0 ? "" : ", ")
                .append(quote(table))
                .append(' ')
                .append(mode));
        return sql.toString();
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

    private static void withLockWaitTimeout(Connection connection, Wait wait, String statement, WaitGuard guard)
            throws SQLException {
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

    /**
     * {@code UNLOCK TABLES}, after checking {@code @@in_transaction} (one more round trip): inside an open transaction
     * the statement would commit it, so dblock refuses and changes nothing.
     */
    void unlock(Connection connection) throws SQLException {
        refuseOpenTransaction(
                Sql.row(connection, "SELECT @@in_transaction", List.of(), WaitGuard.NONE)[0],
                "UNLOCK TABLES",
                "commit or roll back first, then release (inTransaction(...) does all three)");
        Sql.execute(connection, "UNLOCK TABLES", WaitGuard.NONE);
    }

    /** {@code `schema`.`table`} with embedded backticks doubled. */
    static String quote(TableName table) {
        String name = quoteIdentifier(table.table());
        return table.schema().map(s -> quoteIdentifier(s) + "." + name).orElse(name);
    }

    static String quoteIdentifier(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }
}
