package io.dblock.mysql;

import io.dblock.NamedLockHolder;
import io.dblock.UnsupportedLockException;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists user-level locks: {@code performance_schema.metadata_locks} (MySQL 8; MariaDB 10.5.2+ with {@code
 * performance_schema} and the {@code wait/lock/metadata/sql/mdl} instrument on), else MariaDB's {@code
 * METADATA_LOCK_INFO} plugin.
 */
final class MySqlLockListing {

    private static final String PERFORMANCE_SCHEMA = "SELECT m.OBJECT_NAME, t.PROCESSLIST_ID"
            + " FROM performance_schema.metadata_locks m"
            + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
            + " WHERE m.OBJECT_TYPE = 'USER LEVEL LOCK' AND m.LOCK_STATUS = 'GRANTED' AND m.OBJECT_NAME LIKE ? ESCAPE '!'"
            + " ORDER BY m.OBJECT_NAME";

    private static final String PLUGIN = "SELECT TABLE_SCHEMA, THREAD_ID FROM information_schema.METADATA_LOCK_INFO"
            + " WHERE LOCK_TYPE = 'User lock' AND TABLE_SCHEMA LIKE ? ESCAPE '!' ORDER BY TABLE_SCHEMA";

    private final String engine;

    MySqlLockListing(String engine) {
        this.engine = engine;
    }

    List<NamedLockHolder> namesHeldWithPrefix(Connection connection, String database, String prefix)
            throws SQLException {
        String pattern = escape(database + "." + prefix) + "%";
        List<Object[]> rows;
        if (performanceSchemaReady(connection)) {
            rows = Sql.rows(connection, PERFORMANCE_SCHEMA, List.of(pattern), WaitGuard.NONE);
        } else if (count(
                        connection,
                        "SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME ="
                                + " 'METADATA_LOCK_INFO' AND PLUGIN_STATUS = 'ACTIVE'")
                > 0) {
            rows = Sql.rows(connection, PLUGIN, List.of(pattern), WaitGuard.NONE);
        } else {
            throw new UnsupportedLockException(
                    engine + " does not expose its user locks: start the server with --performance-schema=ON"
                            + " --performance-schema-instrument='wait/lock/metadata/sql/mdl=ON', or (MariaDB) run"
                            + " INSTALL SONAME 'metadata_lock_info'",
                    null);
        }
        List<NamedLockHolder> held = new ArrayList<>();
        int cut = database.length() + 1;
        for (Object[] row : rows) {
            String name = (String) row[0];
            held.add(new NamedLockHolder(name.substring(Math.min(cut, name.length())), ((Number) row[1]).longValue()));
        }
        return held;
    }

    /** True when performance_schema is on and its metadata-lock instrument enabled (and readable by this user). */
    boolean performanceSchemaReady(Connection connection) {
        return count(
                        connection,
                        "SELECT COUNT(*) FROM performance_schema.setup_instruments WHERE NAME ="
                                + " 'wait/lock/metadata/sql/mdl' AND ENABLED = 'YES' AND @@performance_schema = 1")
                > 0;
    }

    private static long count(Connection connection, String sql) {
        try {
            return ((Number) Sql.row(connection, sql, List.of(), WaitGuard.NONE)[0]).longValue();
        } catch (SQLException e) {
            return 0; // the schema or variable does not exist on this server: treat as "not available"
        }
    }

    /** LIKE with '!' as the escape character, so '%' and '_' in names are literal. */
    static String escape(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
