package io.dblock.postgres;

import io.dblock.LockKey;
import io.dblock.LockUsageException;
import io.dblock.TableName;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.SessionState;
import io.dblock.spi.InspectionSnapshot;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code pg_locks}, {@code pg_stat_activity} and {@code pg_blocking_pids} read for the inspector. */
final class PostgresInspection {

    /** Columns describing a session of {@code pg_stat_activity} alias {@code a}; times in epoch microseconds. */
    private static final String SESSION_COLUMNS = "a.usename, a.application_name, a.state,"
            + " (extract(epoch FROM a.state_change) * 1000000)::int8,"
            + " (extract(epoch FROM a.xact_start) * 1000000)::int8, left(a.query, "
            + (SessionInfo.MAX_QUERY_CHARS + 1) + ")";

    private static final int SESSION_COLUMN_COUNT = 6;

    private final String locksSql;

    PostgresInspection(String serverVersion) {
        // pg_locks.waitstart exists from PostgreSQL 14; before that the waiting statement's start is the best estimate.
        String waitStart =
                majorVersion(serverVersion) >= 14 ? "l.waitstart" : "CASE WHEN NOT l.granted THEN a.query_start END";
        locksSql = "SELECT l.locktype, n.nspname, c.relname, l.classid::int8, l.objid::int8, l.objsubid::int4, l.mode,"
                + " l.granted, l.pid::int8, (extract(epoch FROM " + waitStart + ") * 1000000)::int8, "
                + SESSION_COLUMNS + ", (extract(epoch FROM clock_timestamp()) * 1000000)::int8"
                + " FROM pg_locks l"
                + " LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
                + " LEFT JOIN pg_class c ON l.locktype = 'relation' AND c.oid = l.relation"
                + " LEFT JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE l.pid IS NOT NULL"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND (l.locktype = 'advisory' OR (l.locktype = 'relation' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg!_toast%' ESCAPE '!'))"
                + " ORDER BY l.granted DESC, l.pid, l.locktype, n.nspname, c.relname, l.classid, l.objid, l.objsubid, l.mode";
    }

    private static final String WAITS_SQL = "SELECT w.pid::int8, bp.pid::int8, "
            + SESSION_COLUMNS.replace("a.", "w.") + ", " + SESSION_COLUMNS.replace("a.", "b.")
            + " FROM pg_stat_activity w CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)"
            + " LEFT JOIN pg_stat_activity b ON b.pid = bp.pid"
            + " WHERE w.wait_event_type = 'Lock' AND w.datname = current_database() ORDER BY 1, 2";

    InspectionSnapshot inspect(Connection connection) throws SQLException {
        List<Object[]> lockRows = new Batch().add(locksSql).execute(connection, WaitGuard.NONE);
        List<Object[]> waitRows = new Batch().add(WAITS_SQL).execute(connection, WaitGuard.NONE);
        Instant at = lockRows.isEmpty()
                ? now(connection)
                : micros(lockRows.get(0)[10 + SESSION_COLUMN_COUNT]).orElseThrow();
        List<LockInfo> locks = new ArrayList<>();
        for (Object[] row : lockRows) {
            long pid = ((Number) row[8]).longValue();
            SessionInfo session = session(pid, row, 10);
            boolean granted = (Boolean) row[7];
            Optional<Instant> waitingSince = granted ? Optional.empty() : micros(row[9]);
            Optional<Duration> waited = waitingSince.map(since -> positive(Duration.between(since, at)));
            String mode = (String) row[6];
            if ("advisory".equals(row[0])) {
                long classid = ((Number) row[3]).longValue();
                long objid = ((Number) row[4]).longValue();
                int objsubid = (Integer) row[5];
                LockKey key = objsubid == 2
                        ? LockKey.of((int) classid, (int) objid)
                        : PostgresKnownNames.resolve((classid << 32) | objid);
                String advisoryMode = "ShareLock".equals(mode) ? "SHARED" : "EXCLUSIVE";
                locks.add(new LockInfo(
                        LockInfo.Kind.ADVISORY,
                        Optional.empty(),
                        Optional.of(key),
                        advisoryMode,
                        granted,
                        waitingSince,
                        waited,
                        session));
            } else {
                TableName table = TableName.of((String) row[1], (String) row[2]);
                locks.add(new LockInfo(
                        LockInfo.Kind.TABLE,
                        Optional.of(table),
                        Optional.empty(),
                        tableMode(mode),
                        granted,
                        waitingSince,
                        waited,
                        session));
            }
        }
        List<InspectionSnapshot.Edge> edges = new ArrayList<>();
        Map<Long, SessionInfo> sessions = new HashMap<>();
        for (Object[] row : waitRows) {
            long waiter = ((Number) row[0]).longValue();
            long blocker = ((Number) row[1]).longValue();
            edges.add(new InspectionSnapshot.Edge(waiter, blocker));
            sessions.put(waiter, session(waiter, row, 2));
            sessions.putIfAbsent(blocker, session(blocker, row, 2 + SESSION_COLUMN_COUNT));
        }
        return new InspectionSnapshot(at, locks, edges, sessions);
    }

    Map<Long, SessionInfo> sessions(Connection connection, Set<Long> pids) throws SQLException {
        Map<Long, SessionInfo> sessions = new HashMap<>();
        if (pids.isEmpty()) {
            return sessions;
        }
        Batch batch = new Batch();
        StringBuilder in = new StringBuilder();
        List<Object> params = new ArrayList<>();
        for (Long pid : pids) {
            in.append(in.length() == 0 ? "?" : ", ?");
            params.add(pid);
        }
        batch.add(
                "SELECT a.pid::int8, " + SESSION_COLUMNS + " FROM pg_stat_activity a WHERE a.pid IN (" + in + ")",
                params.toArray());
        for (Object[] row : batch.execute(connection, WaitGuard.NONE)) {
            long pid = ((Number) row[0]).longValue();
            sessions.put(pid, session(pid, row, 1));
        }
        return sessions;
    }

    static long connectionId(Connection connection) throws SQLException {
        return ((Number) new Batch()
                        .add("SELECT pg_backend_pid()")
                        .execute(connection, WaitGuard.NONE)
                        .get(0)[0])
                .longValue();
    }

    /**
     * pg_cancel_backend / pg_terminate_backend of a client session, in one statement that signals nothing unless
     * {@code pg_stat_activity} shows {@code pid} as a {@code client backend} other than the inspecting session.
     *
     * <ol>
     *   <li>No such process: false.
     *   <li>The inspecting session itself, a server process that is not a client session (autovacuum launcher,
     *       background worker, WAL sender...), or a process whose {@code backend_type} the server hides from this role
     *       (another role's process without {@code pg_read_all_stats}): {@link LockUsageException}, nothing signalled.
     *   <li>Else the function's answer.
     * </ol>
     */
    static boolean signal(Connection connection, long pid, boolean terminate) throws SQLException {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            return false; // not a PostgreSQL backend pid
        }
        String function = terminate ? "pg_terminate_backend" : "pg_cancel_backend";
        String action = terminate ? "terminate" : "cancel";
        Object[] row;
        try {
            row = new Batch()
                    .add(
                            "SELECT pg_backend_pid(), a.pid IS NOT NULL, a.backend_type, CASE WHEN a.pid IS NULL"
                                    + " OR a.pid = pg_backend_pid() OR a.backend_type IS DISTINCT FROM 'client backend'"
                                    + " THEN NULL ELSE " + function + "(a.pid) END"
                                    + " FROM (SELECT ?::int4 AS pid) p LEFT JOIN pg_stat_activity a ON a.pid = p.pid",
                            pid)
                    .execute(connection, WaitGuard.NONE)
                    .get(0);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new LockUsageException(
                        function + "(" + pid + ") was refused: it needs superuser, membership in the role of the"
                                + " session's user, or the pg_signal_backend role (and only a superuser may signal a"
                                + " superuser's session). Server said: " + e.getMessage(),
                        null,
                        "PostgreSQL",
                        null,
                        e);
            }
            throw e;
        }
        if (!(Boolean) row[1]) {
            return false;
        }
        if (((Number) row[0]).longValue() == pid) {
            throw new LockUsageException(
                    "refusing to " + action + " session " + pid + ": it is the session the inspector itself runs on",
                    null);
        }
        String backendType = (String) row[2];
        if (backendType == null) {
            throw new LockUsageException(
                    "refusing to " + action + " process " + pid + ": the server does not show this role its"
                            + " backend_type, so dblock cannot tell that it is a client session. Signalling another"
                            + " role's session needs superuser, or pg_read_all_stats (to see it) and"
                            + " pg_signal_backend (to signal it); nothing was signalled",
                    null,
                    "PostgreSQL",
                    null,
                    null);
        }
        if (!"client backend".equals(backendType)) {
            throw new LockUsageException(
                    "refusing to " + action + " process " + pid + ": it is a server process (backend_type '"
                            + backendType + "'), not a client session; nothing was signalled",
                    null,
                    "PostgreSQL",
                    null,
                    null);
        }
        return (Boolean) row[3];
    }

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

    /** "AccessExclusiveLock" → "ACCESS_EXCLUSIVE", the {@link io.dblock.TableLockMode} name. */
    static String tableMode(String pgMode) {
        String words = pgMode.endsWith("Lock") ? pgMode.substring(0, pgMode.length() - 4) : pgMode;
        return words.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static Instant now(Connection connection) throws SQLException {
        return micros(new Batch()
                        .add("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::int8")
                        .execute(connection, WaitGuard.NONE)
                        .get(0)[0])
                .orElseThrow();
    }

    static Optional<Instant> micros(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        long micros = ((Number) value).longValue();
        return Optional.of(
                Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L));
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    static int majorVersion(String version) {
        String digits = version.replaceFirst("^(\\d+).*$", "$1");
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
