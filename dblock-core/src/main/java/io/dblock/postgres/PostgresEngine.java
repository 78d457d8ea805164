package io.dblock.postgres;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.TableLockRequest;
import io.dblock.inspect.SessionInfo;
import io.dblock.spi.Deadline;
import io.dblock.spi.Failure;
import io.dblock.spi.InspectionSnapshot;
import io.dblock.spi.LockEngine;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * PostgreSQL: advisory locks ({@code pg_advisory_*}) and {@code LOCK TABLE}, with waits bounded by {@code lock_timeout}.
 *
 * <p>Session acquisition with a wait:
 *
 * <ol>
 *   <li>One batch: {@code set_config('lock_timeout', ..., true)} (local to the batch's implicit transaction, so the
 *       session's own setting is untouched), then {@code pg_advisory_lock} per key in canonical order, then {@code
 *       pg_backend_pid()}.
 *   <li>On {@code 55P03} (timeout), {@code 40P01} (deadlock) or {@code 57014} (cancelled), read back from {@code
 *       pg_locks} which keys this backend was granted: PostgreSQL can grant a lock just as the timeout fires, so a
 *       timeout with every key granted is a success; otherwise the keys granted by this batch are unlocked.
 * </ol>
 *
 * Without a wait, {@code pg_try_advisory_lock} runs for every key in one {@code SELECT}; if any is refused, the granted
 * ones are unlocked. Transaction-scoped locks and table locks run inside {@code SAVEPOINT dblock_lock} with the
 * caller's {@code lock_timeout} saved and restored in the same batch, and {@code ROLLBACK TO SAVEPOINT} on failure.
 */
final class PostgresEngine
        implements LockEngine,
                io.dblock.spi.TableLocks,
                io.dblock.spi.TransactionLocks,
                io.dblock.spi.Fencing,
                io.dblock.spi.Inspection,
                io.dblock.spi.Prioritising,
                io.dblock.spi.SessionControl,
                io.dblock.spi.LockTimeouts,
                io.dblock.spi.SessionLimits {

    /** Longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); longer ones are silently truncated. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    private final String version;
    private final PostgresTransactionLocks transactionLocks = new PostgresTransactionLocks();
    private final PostgresInspection inspection;

    PostgresEngine(String version) {
        this.version = version;
        this.inspection = new PostgresInspection(version);
    }

    @Override
    public String name() {
        return "PostgreSQL";
    }

    /** {@code lock_timeout} is an int of milliseconds: 2147483647 ms, about 24.9 days. */
    @Override
    public java.time.Duration longestWait() {
        return java.time.Duration.ofMillis(Integer.MAX_VALUE);
    }

    @Override
    public String serverVersion() {
        return version;
    }

    @Override
    public OptionalLong acquireSession(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException {
        PostgresKnownNames.remember(keys);
        return wait.isNone() ? trySession(connection, keys, mode) : waitSession(connection, keys, mode, wait, guard);
    }

    private OptionalLong trySession(Connection connection, List<LockKey> keys, AdvisoryLockMode mode)
            throws SQLException {
        List<String> columns = new ArrayList<>(keys.size() + 1);
        List<Object[]> params = new ArrayList<>(keys.size() + 1);
        columns.add("pg_backend_pid()");
        params.add(new Object[0]);
        for (LockKey key : keys) {
            columns.add(PostgresSql.lockCall(key, mode, false, true));
            params.add(PostgresSql.keyParams(key));
        }
        Object[] row = Batch.selectRow(new Batch(), columns, params, connection);
        List<LockKey> granted = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (Boolean.TRUE.equals(row[i + 1])) {
                granted.add(keys.get(i));
            }
        }
        if (granted.size() == keys.size()) {
            return OptionalLong.of(((Number) row[0]).longValue());
        }
        if (!granted.isEmpty()) {
            releaseSession(connection, granted, mode);
        }
        return OptionalLong.empty();
    }

    /**
     * Keys waited for in one batch. pgjdbc ends a pipeline with a Sync (and so its implicit transaction, with the
     * {@code lock_timeout} and deadline set in it) when it expects more than about 250 responses; a batch here stays
     * well below that.
     */
    static final int KEYS_PER_WAIT_BATCH = 100;

    private OptionalLong waitSession(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException {
        long start = System.nanoTime();
        try {
            Object pid = null;
            for (int from = 0; from < keys.size(); from += KEYS_PER_WAIT_BATCH) {
                List<LockKey> chunk = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_WAIT_BATCH));
                List<String> statements = new ArrayList<>();
                List<Object[]> params = new ArrayList<>();
                for (LockKey key : chunk) {
                    statements.add("SELECT " + PostgresSql.lockCall(key, mode, false, false));
                    params.add(PostgresSql.keyParams(key));
                }
                // the last lock statement also reports the session: SELECT pg_advisory_lock(..), pg_backend_pid()
                statements.set(statements.size() - 1, statements.get(statements.size() - 1) + ", pg_backend_pid()");
                Batch batch = new Batch();
                PostgresSql.addTimedLocks(
                        batch,
                        from == 0 ? wait : Deadline.of(wait, start).remainingAtLeast(ONE_MILLI),
                        statements,
                        params);
                pid = batch.execute(connection, guard).get(0)[1];
            }
            return OptionalLong.of(((Number) pid).longValue());
        } catch (SQLException e) {
            return recoverSession(connection, keys, mode, e);
        }
    }

    /** The least wait left after the batches sent so far: 0 means forever to {@code lock_timeout}. */
    private static final java.time.Duration ONE_MILLI = java.time.Duration.ofMillis(1);

    /**
     * After a failed wait: succeed if the server granted everything anyway, else undo the partial grant. If undoing it
     * fails, that failure is thrown (the wait's own failure suppressed in it), so the caller never reads "not granted,
     * nothing held" from a session that may still hold keys.
     */
    private OptionalLong recoverSession(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, SQLException e) throws SQLException {
        Failure failure = classify(e);
        if (failure != Failure.TIMEOUT && failure != Failure.DEADLOCK && failure != Failure.CANCELLED) {
            throw e;
        }
        try {
            PostgresLockQueries.Granted granted = PostgresLockQueries.grantedToMe(connection, keys, mode);
            if (failure == Failure.TIMEOUT && granted.keys().size() == keys.size()) {
                return OptionalLong.of(granted.pid());
            }
            if (!granted.keys().isEmpty()) {
                releaseSession(connection, granted.keys(), mode);
            }
        } catch (SQLException cleanup) {
            // the session may still hold part of the grant: that failure, not the timeout, is the outcome
            cleanup.addSuppressed(e);
            throw cleanup;
        }
        if (failure == Failure.TIMEOUT) {
            return OptionalLong.empty();
        }
        throw e;
    }

    /**
     * One statement: {@code SELECT pg_advisory_unlock(...), ..., pg_backend_pid()} (over 999 keys: several, in one
     * round trip).
     */
    @Override
    public Release releaseSession(Connection connection, List<LockKey> keys, AdvisoryLockMode mode)
            throws SQLException {
        List<String> columns = new ArrayList<>(keys.size() + 1);
        List<Object[]> params = new ArrayList<>(keys.size() + 1);
        for (LockKey key : keys) {
            columns.add(PostgresSql.unlockCall(key, mode));
            params.add(PostgresSql.keyParams(key));
        }
        columns.add("pg_backend_pid()");
        params.add(new Object[0]);
        Object[] row = Batch.selectRow(new Batch(), columns, params, connection);
        List<LockKey> notHeld = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!Boolean.TRUE.equals(row[i])) {
                notHeld.add(keys.get(i));
            }
        }
        return new Release(notHeld, OptionalLong.of(((Number) row[keys.size()]).longValue()));
    }

    @Override
    public long nextFencingToken(Connection connection, io.dblock.TableName table, LockKey key) throws SQLException {
        return PostgresFencing.next(connection, table, key);
    }

    @Override
    public void createFencingTable(Connection connection, io.dblock.TableName table) throws SQLException {
        PostgresFencing.create(connection, table);
    }

    @Override
    public String fencingTableDdl(io.dblock.TableName table) {
        return PostgresFencing.ddl(table);
    }

    @Override
    public void releaseAllSession(Connection connection) throws SQLException {
        new Batch().add("SELECT pg_advisory_unlock_all()").execute(connection, WaitGuard.NONE);
    }

    @Override
    public boolean acquireTransaction(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException {
        return transactionLocks.acquire(connection, keys, mode, wait, guard);
    }

    @Override
    public boolean lockTables(Connection connection, List<TableLockRequest> requests, Wait wait, WaitGuard guard)
            throws SQLException {
        return transactionLocks.lockTables(connection, requests, wait, guard);
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

    /** {@code idle_session_timeout} from {@code pg_settings}, in milliseconds; no row before PostgreSQL 14. */
    @Override
    public java.util.Optional<java.time.Duration> idleLimit(Connection connection) throws SQLException {
        for (Object[] row : new Batch()
                .add("SELECT setting FROM pg_settings WHERE name = 'idle_session_timeout'")
                .execute(connection, WaitGuard.NONE)) {
            long millis = Long.parseLong(String.valueOf(row[0]).trim());
            return millis > 0 ? java.util.Optional.of(java.time.Duration.ofMillis(millis)) : java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    @Override
    public Set<Long> holders(Connection connection, List<LockKey> keys) throws SQLException {
        return PostgresLockQueries.holders(connection, keys);
    }

    @Override
    public Failure classify(SQLException e) {
        return PostgresErrors.classify(e);
    }

    @Override
    public InspectionSnapshot inspect(Connection connection) throws SQLException {
        return inspection.inspect(connection);
    }

    @Override
    public Set<Long> blockers(Connection connection, long waiterId) throws SQLException {
        Set<Long> blockers = new TreeSet<>();
        if (waiterId > 0 && waiterId <= Integer.MAX_VALUE) {
            for (Object[] row : new Batch()
                    .add("SELECT unnest(pg_blocking_pids(?::int4))::int8", waiterId)
                    .execute(connection, WaitGuard.NONE)) {
                blockers.add(((Number) row[0]).longValue());
            }
        }
        return blockers;
    }

    @Override
    public Map<Long, SessionInfo> sessions(Connection connection, Set<Long> connectionIds) throws SQLException {
        return inspection.sessions(connection, connectionIds);
    }

    @Override
    public long connectionId(Connection connection) throws SQLException {
        return PostgresInspection.connectionId(connection);
    }

    @Override
    public boolean cancel(Connection connection, long connectionId) throws SQLException {
        return PostgresInspection.signal(connection, connectionId, false);
    }

    @Override
    public boolean terminate(Connection connection, long connectionId) throws SQLException {
        return PostgresInspection.signal(connection, connectionId, true);
    }

    /** {@code SELECT current_setting('lock_timeout'), set_config('lock_timeout', ?, false)}: one round trip. */
    @Override
    public List<String> setLockTimeouts(Connection connection, Wait wait) throws SQLException {
        // lock_timeout = 0 means "no limit", so "don't wait" is the smallest limit there is: 1 ms.
        PostgresSql.checkLimit(wait);
        String value = wait.isNone() ? "1ms" : PostgresSql.timeoutValue(wait);
        Object[] row = new Batch()
                .add("SELECT current_setting('lock_timeout'), set_config('lock_timeout', ?, false)", value)
                .execute(connection, WaitGuard.NONE)
                .get(0);
        return List.of((String) row[0]);
    }

    @Override
    public void restoreLockTimeouts(Connection connection, List<String> previous) throws SQLException {
        new Batch()
                .add("SELECT set_config('lock_timeout', ?, false)", previous.get(0))
                .execute(connection, WaitGuard.NONE);
    }
}
