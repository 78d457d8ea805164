package io.dblock.postgres;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.PgLocksId;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads advisory locks back from {@code pg_locks}. */
final class PostgresLockQueries {

    /** The keys this backend holds (of those asked about) and its pid. */
    record Granted(long pid, List<LockKey> keys) {}

    private static final String ADVISORY_IN_THIS_DATABASE = "locktype = 'advisory' AND granted"
            + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

    private PostgresLockQueries() {}

    static Granted grantedToMe(Connection connection, List<LockKey> keys, AdvisoryLockMode mode) throws SQLException {
        List<Object> params = new ArrayList<>();
        params.add(PostgresSql.pgLocksMode(mode));
        String sql = "SELECT pg_backend_pid(), l.classid::int8, l.objid::int8, l.objsubid::int4 FROM (SELECT 1) one"
                + " LEFT JOIN pg_locks l ON l.pid = pg_backend_pid() AND l.mode = ? AND l." + ADVISORY_IN_THIS_DATABASE
                + " AND (l.classid::int8, l.objid::int8, l.objsubid::int4) IN (" + idList(connection, keys, params)
                + ")";
        List<Object[]> rows = new Batch().add(sql, params.toArray()).execute(connection, WaitGuard.NONE);
        Set<PgLocksId> held = heldIds(rows);
        List<LockKey> granted = new ArrayList<>();
        for (LockKey key : keys) {
            if (held.contains(key.pgLocksId())) {
                granted.add(key);
            }
        }
        return new Granted(((Number) rows.get(0)[0]).longValue(), granted);
    }

    /** The {@code pg_locks} ids of the rows that found a lock (the left join leaves the others NULL). */
    private static Set<PgLocksId> heldIds(List<Object[]> rows) {
        Set<PgLocksId> held = new HashSet<>();
        for (Object[] row : rows) {
            if (row[1] != null) {
                held.add(new PgLocksId(((Number) row[1]).longValue(), ((Number) row[2]).longValue(), (Integer) row[3]));
            }
        }
        return held;
    }

    static Set<Long> holders(Connection connection, List<LockKey> keys) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT DISTINCT pid FROM pg_locks WHERE " + ADVISORY_IN_THIS_DATABASE
                + " AND (classid::int8, objid::int8, objsubid::int4) IN (" + idList(connection, keys, params)
                + ") ORDER BY pid";
        Set<Long> pids = new LinkedHashSet<>();
        for (Object[] row : new Batch().add(sql, params.toArray()).execute(connection, WaitGuard.NONE)) {
            pids.add(((Number) row[0]).longValue());
        }
        return pids;
    }

    /**
     * The keys' {@code pg_locks} ids as a subquery over three bound arrays (three parameters however many keys: the
     * protocol allows at most 65535 per statement).
     */
    private static String idList(Connection connection, List<LockKey> keys, List<Object> params) throws SQLException {
        Long[] classids = new Long[keys.size()];
        Long[] objids = new Long[keys.size()];
        Integer[] objsubids = new Integer[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            PgLocksId id = keys.get(i).pgLocksId();
            classids[i] = id.classid();
            objids[i] = id.objid();
            objsubids[i] = id.objsubid();
        }
        params.add(connection.createArrayOf("int8", classids));
        params.add(connection.createArrayOf("int8", objids));
        params.add(connection.createArrayOf("int4", objsubids));
        return "SELECT * FROM unnest(?::int8[], ?::int8[], ?::int4[])";
    }
}
