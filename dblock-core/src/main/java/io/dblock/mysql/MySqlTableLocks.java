package io.dblock.mysql;

import io.dblock.LockUsageException;
import io.dblock.TableLockMode;
import io.dblock.TableLockRequest;
import io.dblock.TableName;
import io.dblock.spi.TableLocks;
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
 * <p>Waits: see {@link MySqlTableLockWaits}.
 *
 * <p>Implicit commits. Of the statements dblock runs on a caller's connection, the MySQL 8 and MariaDB manuals list
 * {@code LOCK TABLES} and {@code UNLOCK TABLES} as committing an open transaction ("Statements That Cause an Implicit
 * Commit"); both are refused while {@code @@in_transaction} is set. The others ({@code SELECT @@...}, {@code SET
 * SESSION lock_wait_timeout}, {@code SET SESSION innodb_lock_wait_timeout}, {@code SET STATEMENT ... FOR}, {@code
 * GET_LOCK}, {@code RELEASE_LOCK}, {@code IS_USED_LOCK}) are not on that list. {@code SET autocommit = 1}, which does
 * commit, is only ever run on connections dblock borrowed itself.
 */
final class MySqlTableLocks implements TableLocks {

    private final boolean mariaDb;

    MySqlTableLocks(boolean mariaDb) {
        this.mariaDb = mariaDb;
    }

    @Override
    public void validate(TableLockRequest request) {
        mysqlMode(request.mode());
        MySqlIdentifiers.check(request.table());
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

    @Override
    public boolean lockTables(Connection connection, List<TableLockRequest> requests, Wait wait, WaitGuard guard)
            throws SQLException {
        Object[] session = sessionBeforeLock(connection);
        String tables = "LOCK TABLES " + tableList(requests);
        // a timeout (1205) is thrown as it is: the core reads it as "not granted" and keeps it as the cause
        if (mariaDb) {
            return MySqlTableLockWaits.onMariaDb(connection, tables, wait, ((Number) session[1]).doubleValue(), guard);
        }
        MySqlTableLockWaits.onMySql(connection, tables, wait, guard);
        return true;
    }

    /**
     * The session's {@code @@in_transaction} (and on MariaDB its {@code @@max_statement_time}), refusing an open
     * transaction.
     */
    private Object[] sessionBeforeLock(Connection connection) throws SQLException {
        Object[] session = Sql.row(
                connection,
                mariaDb ? "SELECT @@in_transaction, @@max_statement_time" : "SELECT @@in_transaction",
                List.of(),
                WaitGuard.NONE);
        refuseOpenTransaction(
                session[0], "LOCK TABLES", "lock the tables first, right after setAutoCommit(false) or COMMIT");
        return session;
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
                .append(MySqlIdentifiers.quote(table))
                .append(' ')
                .append(mode));
        return sql.toString();
    }

    /**
     * {@code UNLOCK TABLES}, after checking {@code @@in_transaction} (one more round trip): inside an open transaction
     * the statement would commit it, so dblock refuses and changes nothing.
     */
    @Override
    public void unlockTables(Connection connection) throws SQLException {
        refuseOpenTransaction(
                Sql.row(connection, "SELECT @@in_transaction", List.of(), WaitGuard.NONE)[0],
                "UNLOCK TABLES",
                "commit or roll back first, then release (inTransaction(...) does all three)");
        Sql.execute(connection, "UNLOCK TABLES", WaitGuard.NONE);
    }
}
