package io.dblock.postgres;

import io.dblock.spi.LockTimeouts;
import io.dblock.spi.SessionLimits;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The session settings dblock sets and reads: {@code lock_timeout} for a scope, {@code idle_session_timeout}, the TCP
 * settings of the silent-client bound and the holder label in {@code application_name}.
 */
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

    /** PostgreSQL keeps at most 63 bytes of {@code application_name} (NAMEDATALEN - 1), printable ASCII only. */
    private static final int APPLICATION_NAME_BYTES = 63;

    /**
     * {@code SELECT current_setting('application_name'), [current_setting(tcp...)...,] set_config('application_name',
     * ltrim(left(current_setting('application_name'), ?) || ' [' || ? || ']'), false) [, set_config(tcp..., ?,
     * false)...]}: one round trip, the old values first. The name is composed on the server, the label bound.
     */
    @Override
    public List<String> prepareHolder(Connection connection, Duration bound, String label) throws SQLException {
        List<String> settings = bound.isZero() ? List.of() : TCP_SETTINGS;
        List<Object> values = new ArrayList<>();
        values.add(APPLICATION_NAME_BYTES - label.length() - 3); // " [" and "]"
        values.add(label);
        if (!bound.isZero()) {
            long seconds = Math.max(3, bound.toSeconds());
            values.addAll(List.of(
                    String.valueOf(Math.max(1, seconds / 2)),
                    String.valueOf(Math.max(1, seconds / 6)),
                    "3",
                    String.valueOf(bound.toMillis())));
        }
        Object[] row = new Batch()
                .add(prepareSql(settings), values.toArray())
                .execute(connection, WaitGuard.NONE)
                .get(0);
        List<String> previous = new ArrayList<>();
        for (int i = 0; i <= settings.size(); i++) {
            previous.add((String) row[i]);
        }
        return previous;
    }

    /** Puts back {@code application_name} and, if {@link #prepareHolder} set them, the four TCP settings. */
    @Override
    public void restoreHolder(Connection connection, List<String> previous) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT set_config('application_name', ?, false)");
        for (int i = 1; i < previous.size(); i++) {
            sql.append(", set_config('").append(TCP_SETTINGS.get(i - 1)).append("', ?, false)");
        }
        new Batch().add(sql.toString(), previous.toArray()).execute(connection, WaitGuard.NONE);
    }

    /** The statement of {@link #prepareHolder}: the old values of the label and of {@code settings}, then new ones. */
    private static String prepareSql(List<String> settings) {
        StringBuilder sql = new StringBuilder("SELECT current_setting('application_name')");
        for (String name : settings) {
            sql.append(", current_setting('").append(name).append("')");
        }
        sql.append(", set_config('application_name', ltrim(left(current_setting('application_name'), ?::int4)"
                + " || ' [' || ?::text || ']'), false)");
        for (String name : settings) {
            sql.append(", set_config('").append(name).append("', ?, false)");
        }
        return sql.toString();
    }

    /**
     * From {@code pg_settings}, in milliseconds: {@code idle_session_timeout} (no row before PostgreSQL 14) for a
     * session in auto-commit; {@code idle_in_transaction_session_timeout} for one whose locks are held in an open
     * transaction (behind a transaction pooler), the only one of the two that applies there.
     */
    @Override
    public Optional<Duration> idleLimit(Connection connection) throws SQLException {
        String name = connection.getAutoCommit() ? "idle_session_timeout" : "idle_in_transaction_session_timeout";
        for (Object[] row : new Batch()
                .add("SELECT setting FROM pg_settings WHERE name = ?", name)
                .execute(connection, WaitGuard.NONE)) {
            long millis = Long.parseLong(String.valueOf(row[0]).trim());
            return millis > 0 ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
        }
        return Optional.empty();
    }
}
