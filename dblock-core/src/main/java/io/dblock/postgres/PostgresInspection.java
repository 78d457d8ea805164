package io.dblock.postgres;

import io.dblock.LockKey;
import io.dblock.TableName;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import io.dblock.spi.Inspection;
import io.dblock.spi.InspectionSnapshot;
import io.dblock.spi.Prioritising;
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
import java.util.TreeSet;

/**
 * {@code pg_locks}, {@code pg_stat_activity} and {@code pg_blocking_pids} read for the inspector and for prioritised
 * waits. Session columns are mapped by {@link PostgresSessionRows}.
 */
final class PostgresInspection implements Inspection, Prioritising {

    private static final String SESSION_COLUMNS = PostgresSessionRows.COLUMNS;

    /** Where the columns of the waiting session start in a row of {@link #locksSql}; the server's clock follows them. */
    private static final int LOCK_SESSION = 10;

    /** Where the relation's OID is in a row of {@link #locksSql}: after the session columns and the server's clock. */
    private static final int LOCK_RELATION = LOCK_SESSION + PostgresSessionRows.COUNT + 1;

    private final String locksSql;

    PostgresInspection(String serverVersion) {
        // pg_locks.waitstart exists from PostgreSQL 14; before that the waiting statement's start is the best estimate.
        String waitStart =
                majorVersion(serverVersion) >= 14 ? "l.waitstart" : "CASE WHEN NOT l.granted THEN a.query_start END";
        locksSql = "SELECT l.locktype, n.nspname, c.relname, l.classid::int8, l.objid::int8, l.objsubid::int4, l.mode,"
                + " l.granted, l.pid::int8, (extract(epoch FROM " + waitStart + ") * 1000000)::int8, "
                + SESSION_COLUMNS + ", (extract(epoch FROM clock_timestamp()) * 1000000)::int8, l.relation::int8"
                + " FROM pg_locks l"
                + " LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
                + " LEFT JOIN pg_class c ON l.locktype = 'relation' AND c.oid = l.relation"
                + " LEFT JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE l.pid IS NOT NULL"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND (l.locktype = 'advisory' OR (l.locktype = 'relation' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg!_toast%' ESCAPE '!')"
                // a table this session cannot see: created in another session's open transaction (TableName.unresolved)
                + " OR (l.locktype = 'relation' AND c.oid IS NULL AND l.relation IS NOT NULL))"
                + " ORDER BY l.granted DESC, l.pid, l.locktype, n.nspname, c.relname, l.classid, l.objid, l.objsubid, l.mode";
    }

    private static final String WAITS_SQL = "SELECT w.pid::int8, bp.pid::int8, "
            + SESSION_COLUMNS.replace("a.", "w.") + ", " + SESSION_COLUMNS.replace("a.", "b.")
            + " FROM pg_stat_activity w CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)"
            + " LEFT JOIN pg_stat_activity b ON b.pid = bp.pid"
            + " WHERE w.wait_event_type = 'Lock' AND w.datname = current_database() ORDER BY 1, 2";

    @Override
    public InspectionSnapshot inspect(Connection connection) throws SQLException {
        List<Object[]> lockRows = new Batch().add(locksSql).execute(connection, WaitGuard.NONE);
        List<Object[]> waitRows = new Batch().add(WAITS_SQL).execute(connection, WaitGuard.NONE);
        Instant at = lockRows.isEmpty()
                ? now(connection)
                : PostgresSessionRows.micros(lockRows.get(0)[LOCK_SESSION + PostgresSessionRows.COUNT])
                        .orElseThrow();
        List<LockInfo> locks = new ArrayList<>();
        for (Object[] row : lockRows) {
            locks.add(lock(row, at));
        }
        List<InspectionSnapshot.Edge> edges = new ArrayList<>();
        Map<Long, SessionInfo> sessions = new HashMap<>();
        addWaits(waitRows, edges, sessions);
        return new InspectionSnapshot(at, locks, edges, sessions);
    }

    /** The wait-for edges of the rows of {@link #WAITS_SQL}, with the sessions at both ends. */
    private static void addWaits(
            List<Object[]> waitRows, List<InspectionSnapshot.Edge> edges, Map<Long, SessionInfo> sessions) {
        for (Object[] row : waitRows) {
            long waiter = ((Number) row[0]).longValue();
            long blocker = ((Number) row[1]).longValue();
            edges.add(new InspectionSnapshot.Edge(waiter, blocker));
            sessions.put(waiter, PostgresSessionRows.session(waiter, row, 2));
            sessions.putIfAbsent(blocker, PostgresSessionRows.session(blocker, row, 2 + PostgresSessionRows.COUNT));
        }
    }

    /** One row of {@link #locksSql} as a lock, as of the server's time {@code at}. */
    private static LockInfo lock(Object[] row, Instant at) {
        SessionInfo session = PostgresSessionRows.session(((Number) row[8]).longValue(), row, LOCK_SESSION);
        boolean granted = (Boolean) row[7];
        Optional<Instant> waitingSince = granted ? Optional.empty() : PostgresSessionRows.micros(row[9]);
        Optional<Duration> waited = waitingSince.map(since -> positive(Duration.between(since, at)));
        String mode = (String) row[6];
        boolean advisory = "advisory".equals(row[0]);
        return new LockInfo(
                advisory ? LockInfo.Kind.ADVISORY : LockInfo.Kind.TABLE,
                advisory ? Optional.empty() : Optional.of(table(row)),
                advisory ? Optional.of(advisoryKey(row)) : Optional.empty(),
                advisory ? ("ShareLock".equals(mode) ? "SHARED" : "EXCLUSIVE") : tableMode(mode),
                granted,
                waitingSince,
                waited,
                session);
    }

    /** The table of a relation lock row; unresolved (by OID) when the row's table is not visible to this session. */
    private static TableName table(Object[] row) {
        return row[2] == null
                ? TableName.unresolved(((Number) row[LOCK_RELATION]).longValue())
                : TableName.of((String) row[1], (String) row[2]);
    }

    /** The key of an advisory lock row: an int pair ({@code objsubid} 2), else a 64-bit key or the name behind it. */
    private static LockKey advisoryKey(Object[] row) {
        long classid = ((Number) row[3]).longValue();
        long objid = ((Number) row[4]).longValue();
        int objsubid = (Integer) row[5];
        return objsubid == 2
                ? LockKey.of((int) classid, (int) objid)
                : PostgresKnownNames.resolve((classid << 32) | objid);
    }

    @Override
    public Map<Long, SessionInfo> sessions(Connection connection, Set<Long> pids) throws SQLException {
        Map<Long, SessionInfo> sessions = new HashMap<>();
        if (pids.isEmpty()) {
            return sessions;
        }
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < pids.size(); i++) {
            in.append(i == 0 ? "?" : ", ?");
        }
        String sql = "SELECT a.pid::int8, " + SESSION_COLUMNS + " FROM pg_stat_activity a WHERE a.pid IN (" + in + ")";
        for (Object[] row : new Batch().add(sql, pids.toArray()).execute(connection, WaitGuard.NONE)) {
            long pid = ((Number) row[0]).longValue();
            sessions.put(pid, PostgresSessionRows.session(pid, row, 1));
        }
        return sessions;
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

    /** "AccessExclusiveLock" → "ACCESS_EXCLUSIVE", the {@link io.dblock.TableLockMode} name. */
    static String tableMode(String pgMode) {
        String words = pgMode.endsWith("Lock") ? pgMode.substring(0, pgMode.length() - 4) : pgMode;
        return words.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static Instant now(Connection connection) throws SQLException {
        return PostgresSessionRows.micros(new Batch()
                        .add("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::int8")
                        .execute(connection, WaitGuard.NONE)
                        .get(0)[0])
                .orElseThrow();
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
