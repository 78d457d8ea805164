package io.dblock.postgres;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.TableLockMode;
import io.dblock.TableLockRequest;
import io.dblock.spi.Failure;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Locks that live in the caller's transaction: {@code pg_advisory_xact_lock*} and {@code LOCK TABLE}.
 *
 * <p>Algorithm, one execution on success:
 *
 * <ol>
 *   <li>{@code SAVEPOINT dblock_lock}, so a failed wait can be undone without aborting the caller's transaction;
 *   <li>save the caller's {@code lock_timeout} in a transaction-local setting and set the wait's own;
 *   <li>the lock statements, in canonical order;
 *   <li>restore {@code lock_timeout} and {@code RELEASE SAVEPOINT dblock_lock} (the locks pass to the transaction).
 * </ol>
 *
 * On failure: {@code ROLLBACK TO SAVEPOINT dblock_lock; RELEASE SAVEPOINT dblock_lock}, which also drops any lock the
 * batch took and the {@code lock_timeout} it set. A lone no-wait advisory lock needs none of this: {@code
 * pg_try_advisory_xact_lock} cannot fail the transaction.
 */
final class PostgresTransactionLocks {

    boolean acquire(Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException {
        if (wait.isNone()) {
            return tryAcquire(connection, keys, mode);
        }
        List<String> statements = new ArrayList<>();
        List<Object[]> params = new ArrayList<>();
        for (LockKey key : keys) {
            statements.add("SELECT " + PostgresSql.lockCall(key, mode, true, false));
            params.add(PostgresSql.keyParams(key));
        }
        return runInSavepoint(connection, wait, statements, params, guard);
    }

    /** All-or-nothing try: several keys need a savepoint to drop a partial grant (xact locks cannot be unlocked). */
    private boolean tryAcquire(Connection connection, List<LockKey> keys, AdvisoryLockMode mode) throws SQLException {
        List<String> columns = new ArrayList<>(keys.size());
        List<Object[]> params = new ArrayList<>(keys.size());
        for (LockKey key : keys) {
            columns.add(PostgresSql.lockCall(key, mode, true, true));
            params.add(PostgresSql.keyParams(key));
        }
        Batch batch = new Batch();
        if (keys.size() > 1) {
            batch.add("SAVEPOINT " + PostgresSql.SAVEPOINT);
        }
        Object[] row = Batch.selectRow(batch, columns, params, connection);
        boolean all = true;
        for (Object granted : row) {
            all &= Boolean.TRUE.equals(granted);
        }
        if (keys.size() > 1) {
            new Batch()
                    .add(all ? "SELECT 1" : "ROLLBACK TO SAVEPOINT " + PostgresSql.SAVEPOINT)
                    .add("RELEASE SAVEPOINT " + PostgresSql.SAVEPOINT)
                    .execute(connection, WaitGuard.NONE);
        }
        return all;
    }

    boolean lockTables(Connection connection, List<TableLockRequest> requests, Wait wait, WaitGuard guard)
            throws SQLException {
        List<String> statements = new ArrayList<>();
        List<Object[]> params = new ArrayList<>();
        // Consecutive tables with the same mode share one LOCK statement, unless a finite wait over several
        // statements needs each table to get the remaining time of the deadline.
        boolean onePerTable = !wait.isForever() && !wait.isNone();
        StringBuilder current = null;
        TableLockMode currentMode = null;
        for (TableLockRequest request : requests) {
            if (current != null && (onePerTable || request.mode() != currentMode)) {
                statements.add(lockStatement(current, currentMode, wait));
                params.add(new Object[0]);
                current = null;
            }
            current = current == null
                    ? new StringBuilder(PostgresSql.quote(request.table()))
                    : current.append(", ").append(PostgresSql.quote(request.table()));
            currentMode = request.mode();
        }
        statements.add(lockStatement(current, currentMode, wait));
        params.add(new Object[0]);
        return runInSavepoint(connection, wait, statements, params, guard);
    }

    private static String lockStatement(CharSequence tables, TableLockMode mode, Wait wait) {
        return "LOCK TABLE " + tables + " IN " + mode.sql() + " MODE" + (wait.isNone() ? " NOWAIT" : "");
    }

    private boolean runInSavepoint(
            Connection connection, Wait wait, List<String> statements, List<Object[]> params, WaitGuard guard)
            throws SQLException {
        Batch batch = new Batch().add("SAVEPOINT " + PostgresSql.SAVEPOINT);
        if (wait.isNone()) {
            for (int i = 0; i < statements.size(); i++) {
                batch.add(statements.get(i), params.get(i));
            }
        } else {
            PostgresSql.saveTimeout(batch);
            PostgresSql.addTimedLocks(batch, wait, statements, params);
            PostgresSql.restoreTimeout(batch);
        }
        batch.add("RELEASE SAVEPOINT " + PostgresSql.SAVEPOINT);
        try {
            batch.execute(connection, guard);
            return true;
        } catch (SQLException e) {
            rollbackToSavepoint(connection, e);
            if (PostgresErrors.classify(e) == Failure.TIMEOUT) {
                return false;
            }
            throw e;
        }
    }

    private static void rollbackToSavepoint(Connection connection, SQLException cause) throws SQLException {
        if (PostgresErrors.classify(cause) == Failure.TRANSACTION_FAILED) {
            return; // the savepoint was never created: the caller's transaction had failed before we started
        }
        try {
            new Batch()
                    .add("ROLLBACK TO SAVEPOINT " + PostgresSql.SAVEPOINT)
                    .add("RELEASE SAVEPOINT " + PostgresSql.SAVEPOINT)
                    .execute(connection, WaitGuard.NONE);
        } catch (SQLException rollback) {
            cause.addSuppressed(rollback);
            throw cause;
        }
    }
}
