package io.dblock.postgres;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.spi.Deadline;
import io.dblock.spi.Failure;
import io.dblock.spi.LockEngine.Release;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Session-scoped advisory locks ({@code pg_advisory_lock*}, {@code pg_advisory_unlock*}): acquisition with and
 * without a wait, and the recovery after a failed wait.
 *
 * <p>With a wait:
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
 * ones are unlocked.
 */
final class PostgresSessionLocks {

    /**
     * Keys waited for in one batch. pgjdbc ends a pipeline with a Sync (and so its implicit transaction, with the
     * {@code lock_timeout} and deadline set in it) when it expects more than about 250 responses; a batch here stays
     * well below that.
     */
    static final int KEYS_PER_WAIT_BATCH = 100;

    /** The least wait left after the batches sent so far: 0 means forever to {@code lock_timeout}. */
    private static final Duration ONE_MILLI = Duration.ofMillis(1);

    private PostgresSessionLocks() {}

    static OptionalLong acquire(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException {
        PostgresKnownNames.remember(keys);
        return wait.isNone() ? tryAcquire(connection, keys, mode) : waitFor(connection, keys, mode, wait, guard);
    }

    private static OptionalLong tryAcquire(Connection connection, List<LockKey> keys, AdvisoryLockMode mode)
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
        List<LockKey> granted = keysWhere(keys, row, 1, true);
        if (granted.size() == keys.size()) {
            return OptionalLong.of(((Number) row[0]).longValue());
        }
        if (!granted.isEmpty()) {
            release(connection, granted, mode);
        }
        return OptionalLong.empty();
    }

    /** The keys whose answer in {@code row} (from {@code row[from]} on, one per key) is {@code true} or not. */
    private static List<LockKey> keysWhere(List<LockKey> keys, Object[] row, int from, boolean answer) {
        List<LockKey> matching = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (Boolean.TRUE.equals(row[from + i]) == answer) {
                matching.add(keys.get(i));
            }
        }
        return matching;
    }

    private static OptionalLong waitFor(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException {
        long start = System.nanoTime();
        try {
            Object pid = null;
            for (int from = 0; from < keys.size(); from += KEYS_PER_WAIT_BATCH) {
                List<LockKey> chunk = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_WAIT_BATCH));
                Wait left = from == 0 ? wait : Deadline.of(wait, start).remainingAtLeast(ONE_MILLI);
                pid = waitBatch(chunk, mode, left, WaitGuard.comment(guard))
                        .execute(connection, guard)
                        .get(0)[1];
            }
            return OptionalLong.of(((Number) pid).longValue());
        } catch (SQLException e) {
            return recover(connection, keys, mode, e);
        }
    }

    /**
     * The batch waiting up to {@code wait} for {@code keys}, each statement after {@code comment} (the wait's label, see
     * {@link io.dblock.spi.WaitLabels}); its last statement also reports the backend's pid.
     */
    private static Batch waitBatch(List<LockKey> keys, AdvisoryLockMode mode, Wait wait, String comment) {
        List<String> statements = new ArrayList<>();
        List<Object[]> params = new ArrayList<>();
        for (LockKey key : keys) {
            statements.add(comment + "SELECT " + PostgresSql.lockCall(key, mode, false, false));
            params.add(PostgresSql.keyParams(key));
        }
        // the last lock statement also reports the session: SELECT pg_advisory_lock(..), pg_backend_pid()
        statements.set(statements.size() - 1, statements.get(statements.size() - 1) + ", pg_backend_pid()");
        Batch batch = new Batch();
        PostgresSql.addTimedLocks(batch, wait, statements, params);
        return batch;
    }

    /**
     * After a failed wait: succeed if the server granted everything anyway, else undo the partial grant. If undoing it
     * fails, that failure is thrown (the wait's own failure suppressed in it), so the caller never reads "not granted,
     * nothing held" from a session that may still hold keys.
     */
    private static OptionalLong recover(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, SQLException e) throws SQLException {
        Failure failure = PostgresErrors.classify(e);
        if (failure != Failure.TIMEOUT && failure != Failure.DEADLOCK && failure != Failure.CANCELLED) {
            throw e;
        }
        OptionalLong grantedAnyway = keepOrUndoGrant(connection, keys, mode, failure, e);
        if (grantedAnyway.isPresent()) {
            return grantedAnyway;
        }
        throw e; // a timeout too: the core reads it as "not granted" and keeps it as the cause
    }

    /**
     * The pid if a timed-out wait was granted every key after all; else releases what it was granted and returns
     * empty.
     */
    private static OptionalLong keepOrUndoGrant(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Failure failure, SQLException e)
            throws SQLException {
        try {
            PostgresLockQueries.Granted granted = PostgresLockQueries.grantedToMe(connection, keys, mode);
            if (failure == Failure.TIMEOUT && granted.keys().size() == keys.size()) {
                return OptionalLong.of(granted.pid());
            }
            if (!granted.keys().isEmpty()) {
                release(connection, granted.keys(), mode);
            }
            return OptionalLong.empty();
        } catch (SQLException cleanup) {
            // the session may still hold part of the grant: that failure, not the timeout, is the outcome
            cleanup.addSuppressed(e);
            throw cleanup;
        }
    }

    /**
     * One statement: {@code SELECT pg_advisory_unlock(...), ..., pg_backend_pid()} (over 999 keys: several, in one
     * round trip).
     */
    static Release release(Connection connection, List<LockKey> keys, AdvisoryLockMode mode) throws SQLException {
        List<String> columns = new ArrayList<>(keys.size() + 1);
        List<Object[]> params = new ArrayList<>(keys.size() + 1);
        for (LockKey key : keys) {
            columns.add(PostgresSql.unlockCall(key, mode));
            params.add(PostgresSql.keyParams(key));
        }
        columns.add("pg_backend_pid()");
        params.add(new Object[0]);
        Object[] row = Batch.selectRow(new Batch(), columns, params, connection);
        List<LockKey> notHeld = keysWhere(keys, row, 0, false);
        return new Release(notHeld, OptionalLong.of(((Number) row[keys.size()]).longValue()));
    }
}
