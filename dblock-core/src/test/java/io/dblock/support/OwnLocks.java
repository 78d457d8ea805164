package io.dblock.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What the session of one connection itself holds: asked on that very connection, so no other session is involved. */
public final class OwnLocks {

    private static final String POSTGRES = "SELECT classid::int8 || '/' || objid::int8 || '/' || objsubid"
            + " || ' ' || mode || CASE WHEN granted THEN '' ELSE ' (waiting)' END"
            + " FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()";

    private static final String MYSQL = "SELECT CONCAT(m.OBJECT_NAME, ' ', m.LOCK_STATUS)"
            + " FROM performance_schema.metadata_locks m"
            + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
            + " WHERE m.OBJECT_TYPE = 'USER LEVEL LOCK' AND t.PROCESSLIST_ID = CONNECTION_ID()";

    private OwnLocks() {}

    /**
     * The advisory locks (PostgreSQL, from {@code pg_locks}) or user-level locks (MySQL/MariaDB, from {@code
     * performance_schema.metadata_locks}) that the session of {@code connection} holds or awaits, one line each.
     */
    public static List<String> of(Connection connection, boolean postgres) throws SQLException {
        List<String> locks = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(postgres ? POSTGRES : MYSQL)) {
            while (rs.next()) {
                locks.add(rs.getString(1));
            }
        }
        return locks;
    }
}
