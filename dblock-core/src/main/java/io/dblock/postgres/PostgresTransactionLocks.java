package io.dblock.postgres;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.TableLockMode;
import io.dblock.TableLockRequest;
import io.dblock.spi.Failure;
import io.dblock.spi.TableLocks;
import io.dblock.spi.TransactionLocks;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.nio.charset.StandardCharsets;
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
final class PostgresTransactionLocks implements TransactionLocks, TableLocks {

    /** Longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); longer ones are silently truncated. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    private static final String ROLLBACK_TO_SAVEPOINT = "ROLLBACK TO SAVEPOINT " + PostgresSql.SAVEPOINT;
    private static final String RELEASE_SAVEPOINT = "RELEASE SAVEPOINT " + PostgresSql.SAVEPOINT;

    @Override
    public boolean acquireTransaction(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
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
    private static boolean tryAcquire(Connection connection, List<LockKey> keys, AdvisoryLockMode mode)
            throws SQLException {
        List<String> columns = new ArrayList<>(keys.size());
        List<Object[]> params = new ArrayList<>(keys.size());
        for (LockKey key : keys) {
            columns.add(PostgresSql.lockCall(key, mode, true, true));
            params.add(PostgresSql.keyParams(key));
        }
        boolean savepoint = keys.size() > 1;
        Batch batch = savepoint ? new Batch().add("SAVEPOINT " + PostgresSql.SAVEPOINT) : new Batch();
        boolean all = allTrue(Batch.selectRow(batch, columns, params, connection));
        if (savepoint) {
            new Batch()
                    .add(all ? "SELECT 1" : ROLLBACK_TO_SAVEPOINT)
                    .add(RELEASE_SAVEPOINT)
                    .execute(connection, WaitGuard.NONE);
        }
        return all;
    }

    private static boolean allTrue(Object[] row) {
        boolean all = true;
        for (Object granted : row) {
            all &= Boolean.TRUE.equals(granted);
        }
        return all;
    }

    @Override
    public void validate(TableLockRequest request) {
        checkLength(request.table().table(), "table");
        request.table().schema().ifPresent(s -> checkLength(s, "schema"));
    }

    private static void checkLength(String identifier, String what) {
        int bytes = identifier.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_IDENTIFIER_BYTES) {
            throw new IllegalArgumentException(what + " name '" + identifier + "' is " + bytes
                    + " bytes long; PostgreSQL identifiers have at most " + MAX_IDENTIFIER_BYTES
                    + " bytes (longer ones would be truncated to a different name)");
        }
    }

    @Override
    public boolean lockTables(Connection connection, List<TableLockRequest> requests, Wait wait, WaitGuard guard)
            throws SQLException {
        List<String> statements = lockStatements(requests, wait);
        List<Object[]> params = new ArrayList<>();
        statements.forEach(statement -> params.add(new Object[0]));
        return runInSavepoint(connection, wait, statements, params, guard);
    }

    /**
     * The {@code LOCK TABLE} statements for {@code requests}. Consecutive tables with the same mode share one
     * statement, unless a finite wait over several statements needs each table to get the remaining time of the
     * deadline.
     */
    private static List<String> lockStatements(List<TableLockRequest> requests, Wait wait) {
        List<String> statements = new ArrayList<>();
        boolean onePerTable = !wait.isForever() && !wait.isNone();
        StringBuilder current = null;
        TableLockMode currentMode = null;
        for (TableLockRequest request : requests) {
            if (current != null && (onePerTable || request.mode() != currentMode)) {
                statements.add(lockStatement(current, currentMode, wait));
                current = null;
            }
            current = current == null
                    ? new StringBuilder(PostgresSql.quote(request.table()))
                    : current.append(", ").append(PostgresSql.quote(request.table()));
            currentMode = request.mode();
        }
        statements.add(lockStatement(current, currentMode, wait));
        return statements;
    }

    private static String lockStatement(CharSequence tables, TableLockMode mode, Wait wait) {
        return "LOCK TABLE " + tables + " IN " + mode.sql() + " MODE" + (wait.isNone() ? " NOWAIT" : "");
    }

    private static boolean runInSavepoint(
            Connection connection, Wait wait, List<String> statements, List<Object[]> params, WaitGuard guard)
            throws SQLException {
        try {
            savepointBatch(wait, statements, params).execute(connection, guard);
            return true;
        } catch (SQLException e) {
            rollbackToSavepoint(connection, e);
            throw e; // a timeout too: the core reads it as "not granted" and keeps it as the cause
        }
    }

    /** The statements inside {@code SAVEPOINT dblock_lock}, under {@code wait} with the caller's timeout kept. */
    private static Batch savepointBatch(Wait wait, List<String> statements, List<Object[]> params) {
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
        return batch.add(RELEASE_SAVEPOINT);
    }

    private static void rollbackToSavepoint(Connection connection, SQLException cause) throws SQLException {
        if (PostgresErrors.classify(cause) == Failure.TRANSACTION_FAILED) {
            return; // the savepoint was never created: the caller's transaction had failed before we started
        }
        try {
            new Batch().add(ROLLBACK_TO_SAVEPOINT).add(RELEASE_SAVEPOINT).execute(connection, WaitGuard.NONE);
        } catch (SQLException rollback) {
            cause.addSuppressed(rollback);
            throw cause;
        }
    }
}
