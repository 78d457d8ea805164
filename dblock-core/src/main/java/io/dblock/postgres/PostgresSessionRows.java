package io.dblock.postgres;

import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.SessionState;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        String application = (String) row[from + 1];
        Matcher labelled = application == null ? null : LABELLED.matcher(application);
        Optional<String> label =
                labelled != null && labelled.matches() ? Optional.of(labelled.group(2)) : Optional.empty();
        SessionState state = state((String) row[from + 2]);
        return new SessionInfo(
                pid,
                Optional.ofNullable((String) row[from]),
                Optional.ofNullable(label.isPresent() ? labelled.group(1) : application)
                        .filter(s -> !s.isEmpty()),
                state,
                micros(row[from + 3]),
                micros(row[from + 4]),
                Optional.ofNullable((String) row[from + 5])
                        .filter(s -> !s.isEmpty())
                        .filter(q -> label.isEmpty() || state != SessionState.IDLE),
                label);
    }

    /**
     * An {@code application_name} with the holder label dblock appends ({@code "app [dblock 4242@host]"}): the
     * application's own name, then the label. An idle labelled session's last statement was dblock's own (the lock, a
     * keepalive, pgjdbc's type lookup after it), so its query is left out.
     */
    private static final Pattern LABELLED = Pattern.compile("(.*?) ?\\[(dblock [0-9]+@[A-Za-z0-9-]+)\\]");

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
