package io.dblock.postgres;

import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.SessionState;
import java.time.Instant;
import java.util.Optional;

/**
 * Sessions as {@code pg_stat_activity} describes them: the columns to select ({@link #COLUMNS}) and the {@link
 * SessionInfo} a row of them maps to, with the server's timestamps in epoch microseconds.
 */
final class PostgresSessionRows {

    /** Columns describing a session of {@code pg_stat_activity} alias {@code a}; times in epoch microseconds. */
    static final String COLUMNS = "a.usename, a.application_name, a.state,"
            + " (extract(epoch FROM a.state_change) * 1000000)::int8,"
            + " (extract(epoch FROM a.xact_start) * 1000000)::int8, left(a.query, "
            + (SessionInfo.MAX_QUERY_CHARS + 1) + ")";

    /** How many columns {@link #COLUMNS} selects. */
    static final int COUNT = 6;

    private PostgresSessionRows() {}

    /** The session {@code pid} of the {@link #COLUMNS} starting at {@code row[from]}. */
    static SessionInfo session(long pid, Object[] row, int from) {
        if (row[from] == null && row[from + 2] == null && row[from + 5] == null) {
            return SessionInfo.unknown(pid);
        }
        return new SessionInfo(
                pid,
                Optional.ofNullable((String) row[from]),
                Optional.ofNullable((String) row[from + 1]).filter(s -> !s.isEmpty()),
                state((String) row[from + 2]),
                micros(row[from + 3]),
                micros(row[from + 4]),
                Optional.ofNullable((String) row[from + 5]).filter(s -> !s.isEmpty()));
    }

    static SessionState state(String state) {
        if (state == null) {
            return SessionState.OTHER;
        }
        return switch (state) {
            case "active" -> SessionState.ACTIVE;
            case "idle" -> SessionState.IDLE;
            case "idle in transaction" -> SessionState.IDLE_IN_TRANSACTION;
            case "idle in transaction (aborted)" -> SessionState.IDLE_IN_FAILED_TRANSACTION;
            default -> SessionState.OTHER;
        };
    }

    /** Epoch microseconds as an instant; empty for NULL. */
    static Optional<Instant> micros(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        long micros = ((Number) value).longValue();
        return Optional.of(
                Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L));
    }
}
