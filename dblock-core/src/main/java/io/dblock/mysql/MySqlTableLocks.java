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
 * <p>Waits: MariaDB's {@code WAIT n}/{@code NOWAIT} clauses (whole seconds, rounded up). MySQL has neither, so dblock
 * sets the session's {@code lock_wait_timeout} (whole seconds, at least 1: MySQL cannot refuse at once) around the
 * statement and restores the previous value. "Forever" is the server's {@code lock_wait_timeout} maximum, one year.
 */
final class MySqlTableLocks {

    private static final long YEAR_SECONDS = 31_536_000L;

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
        refuseOpenTransaction(connection);
        String statement = "LOCK TABLES " + tableList(requests) + (mariaDb ? mariaDbWait(wait) : "");
        try {
            if (mariaDb) {
                Sql.execute(connection, statement, guard);
            } else {
                withLockWaitTimeout(connection, wait, statement, guard);
            }
            return true;
        } catch (SQLException e) {
            if (MySqlErrors.classify(e) == io.dblock.spi.Failure.TIMEOUT) {
                return false;
            }
            throw e;
        }
    }

    /** LOCK TABLES would silently commit an open transaction: refuse instead. */
    private static void refuseOpenTransaction(Connection connection) throws SQLException {
        Object inTransaction = Sql.row(connection, "SELECT @@in_transaction", List.of(), WaitGuard.NONE)[0];
        if (inTransaction != null && ((Number) inTransaction).intValue() != 0) {
            throw new LockUsageException(
                    "the connection's transaction has already done work, and LOCK TABLES would silently commit it:"
                            + " lock the tables first, right after setAutoCommit(false) or COMMIT",
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
        return " WAIT " + (wait.isForever() ? YEAR_SECONDS : seconds(wait));
    }

    private static long seconds(Wait wait) {
        return Math.max(1, (wait.millisRoundedUp() + 999) / 1000);
    }

    private static void withLockWaitTimeout(Connection connection, Wait wait, String statement, WaitGuard guard)
            throws SQLException {
        long previous = ((Number)
                        Sql.row(connection, "SELECT @@SESSION.lock_wait_timeout", List.of(), WaitGuard.NONE)[0])
                .longValue();
        long seconds = wait.isForever() ? YEAR_SECONDS : seconds(wait);
        Sql.execute(connection, "SET SESSION lock_wait_timeout = " + seconds, WaitGuard.NONE);
        try {
            Sql.execute(connection, statement, guard);
        } finally {
            Sql.execute(connection, "SET SESSION lock_wait_timeout = " + previous, WaitGuard.NONE);
        }
    }

    void unlock(Connection connection) throws SQLException {
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
