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

    /** The server-side TCP keepalive, in seconds, and {@code tcp_user_timeout}, in ms (PostgreSQL 12+). */
    private static final List<String> TCP_SETTINGS =
            List.of("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count", "tcp_user_timeout");

    /** Reads the four TCP settings and sets them for {@code bound}, in one statement: one round trip. */
    @Override
    public List<String> boundSilentClient(Connection connection, Duration bound) throws SQLException {
        long seconds = Math.max(3, bound.toSeconds());
        List<String> values = List.of(
                String.valueOf(Math.max(1, seconds / 2)),
                String.valueOf(Math.max(1, seconds / 6)),
                "3",
                String.valueOf(bound.toMillis()));
        Object[] row = new Batch()
                .add(setAll(), values.get(0), values.get(1), values.get(2), values.get(3))
                .execute(connection, WaitGuard.NONE)
                .get(0);
        return List.of((String) row[0], (String) row[1], (String) row[2], (String) row[3]);
    }

    @Override
    public void restoreSilentClientBound(Connection connection, List<String> previous) throws SQLException {
        new Batch()
                .add(setAll(), previous.get(0), previous.get(1), previous.get(2), previous.get(3))
                .execute(connection, WaitGuard.NONE);
    }

    /** {@code SELECT current_setting(n)..., set_config(n, ?, false)...}: the old values first, then the new ones. */
    private static String setAll() {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String name : TCP_SETTINGS) {
            sql.append("current_setting('").append(name).append("'), ");
        }
        for (int i = 0; i < TCP_SETTINGS.size(); i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append("set_config('")
                    .append(TCP_SETTINGS.get(i))
                    .append("', ?, false)");
        }
        return sql.toString();
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
