package io.dblock.postgres;

import io.dblock.LockKey;
import io.dblock.PgLocksId;
import io.dblock.spi.WaitLabels;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled waits on PostgreSQL: each labelled statement waiting for an advisory lock ({@code pg_stat_activity.query}
 * starts with the label's comment, {@code pg_locks} has its ungranted row), joined to the sessions granted that lock in
 * a conflicting mode. One query; {@code deadlock_timeout} read with {@code current_setting}.
 */
final class PostgresWaitLabels implements WaitLabels {

    static final String PREFIX = "/* dblock-wait ";

    private static final String WAITS = "SELECT w.pid, a.query, w.classid::text, w.objid::text, w.objsubid, h.pid"
            + " FROM pg_locks w"
            + " JOIN pg_stat_activity a ON a.pid = w.pid"
            + " JOIN pg_locks h ON h.locktype = 'advisory' AND h.granted AND h.pid <> w.pid"
            + " AND h.database IS NOT DISTINCT FROM w.database AND h.classid = w.classid AND h.objid = w.objid"
            + " AND h.objsubid = w.objsubid AND (w.mode = 'ExclusiveLock' OR h.mode = 'ExclusiveLock')"
            + " WHERE w.locktype = 'advisory' AND NOT w.granted AND ltrim(a.query, E' \\n') LIKE '/* dblock-wait %'";

    @Override
    public String keyToken(Connection connection, LockKey key) {
        PgLocksId id = key.pgLocksId();
        return token(Long.toString(id.classid()), Long.toString(id.objid()), id.objsubid());
    }

    private static String token(String classid, String objid, int objsubid) {
        return classid + "." + objid + "." + objsubid;
    }

    @Override
    public List<LabelledWait> labelledWaits(Connection connection) throws SQLException {
        List<LabelledWait> waits = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(WAITS);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String label = label(rs.getString(2));
                if (label != null) {
                    waits.add(new LabelledWait(
                            rs.getLong(1),
                            label,
                            token(rs.getString(3), rs.getString(4), rs.getInt(5)),
                            rs.getLong(6)));
                }
            }
        }
        return waits;
    }

    /** The label in a statement's leading comment, or null. */
    static String label(String statement) {
        String query = statement == null ? null : statement.strip(); // a batch's later statements start with "\n"
        if (query == null || !query.startsWith(PREFIX)) {
            return null;
        }
        int end = query.indexOf(" */", PREFIX.length());
        return end < 0 ? null : query.substring(3, end);
    }

    @Override
    public Duration deadlockDelay(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT setting::int8 FROM pg_settings WHERE name = 'deadlock_timeout'");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Duration.ofMillis(rs.getLong(1)) : Duration.ofSeconds(1);
        }
    }
}
