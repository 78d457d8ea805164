package io.dblock.postgres;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.spi.AbstractLockEngine;
import io.dblock.spi.Failure;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * PostgreSQL: advisory locks ({@code pg_advisory_*}) and {@code LOCK TABLE}, with waits bounded by {@code lock_timeout}.
 *
 * <p>Session locks, which every engine has, are {@link PostgresSessionLocks}. The facets are parts ({@link
 * #facet(Class)}): transaction-scoped and table locks ({@link PostgresTransactionLocks}, inside {@code SAVEPOINT
 * dblock_lock}), fencing tokens ({@link PostgresFencing}), the inspector's reads and {@code pg_blocking_pids} ({@link
 * PostgresInspection}), cancelling and terminating sessions ({@link PostgresSessionControl}), the session's settings
 * ({@link PostgresSessionSettings}), and telling a pooler is there ({@link PostgresPoolerDetection}).
 */
final class PostgresEngine extends AbstractLockEngine {

    PostgresEngine(String version) {
        super(
                "PostgreSQL",
                version,
                new PostgresTransactionLocks(),
                new PostgresFencing(),
                new PostgresInspection(version),
                new PostgresSessionControl(),
                new PostgresSessionSettings(),
                new PostgresPoolerDetection(),
                new PostgresServerStatus(),
                new PostgresWaitLabels());
    }

    /** {@code lock_timeout} is an int of milliseconds: 2147483647 ms, about 24.9 days. */
    @Override
    public Duration longestWait() {
        return Duration.ofMillis(Integer.MAX_VALUE);
    }

    @Override
    public OptionalLong acquireSession(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException {
        return PostgresSessionLocks.acquire(connection, keys, mode, wait, guard);
    }

    @Override
    public Release releaseSession(Connection connection, List<LockKey> keys, AdvisoryLockMode mode)
            throws SQLException {
        return PostgresSessionLocks.release(connection, keys, mode);
    }

    @Override
    public void releaseAllSession(Connection connection) throws SQLException {
        new Batch().add("SELECT pg_advisory_unlock_all()").execute(connection, WaitGuard.NONE);
    }

    @Override
    public Set<Long> holders(Connection connection, List<LockKey> keys) throws SQLException {
        return PostgresLockQueries.holders(connection, keys);
    }

    @Override
    public long connectionId(Connection connection) throws SQLException {
        return ((Number) new Batch()
                        .add("SELECT pg_backend_pid()")
                        .execute(connection, WaitGuard.NONE)
                        .get(0)[0])
                .longValue();
    }

    @Override
    public Failure classify(SQLException e) {
        return PostgresErrors.classify(e);
    }
}
