package io.dblock.postgres;

import io.dblock.spi.LockTimeouts;
import io.dblock.spi.SessionLimits;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The session settings dblock sets and reads: {@code lock_timeout} for a scope, {@code idle_session_timeout}. */
final class PostgresSessionSettings implements LockTimeouts, SessionLimits {

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

    /** {@code idle_session_timeout} from {@code pg_settings}, in milliseconds; no row before PostgreSQL 14. */
    @Override
    public Optional<Duration> idleLimit(Connection connection) throws SQLException {
        for (Object[] row : new Batch()
                .add("SELECT setting FROM pg_settings WHERE name = 'idle_session_timeout'")
                .execute(connection, WaitGuard.NONE)) {
            long millis = Long.parseLong(String.valueOf(row[0]).trim());
            return millis > 0 ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
        }
        return Optional.empty();
    }
}
