package io.dblock.mysql;

import io.dblock.LockUsageException;
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

    /** Names go both ways as hex of their bytes ({@code UNHEX(?)}, {@code HEX(...)}): no connection charset alters them. */
    private static final String PERFORMANCE_SCHEMA = "SELECT HEX(m.OBJECT_NAME), t.PROCESSLIST_ID"
            + " FROM performance_schema.metadata_locks m"
            + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
            + " WHERE m.OBJECT_TYPE = 'USER LEVEL LOCK' AND m.LOCK_STATUS = 'GRANTED'"
            + " AND CAST(m.OBJECT_NAME AS BINARY) LIKE UNHEX(?) ESCAPE '!'"
            + " ORDER BY CAST(m.OBJECT_NAME AS BINARY)";

    private static final String PLUGIN =
            "SELECT HEX(TABLE_SCHEMA), THREAD_ID FROM information_schema.METADATA_LOCK_INFO"
                    + " WHERE LOCK_TYPE = 'User lock' AND CAST(TABLE_SCHEMA AS BINARY) LIKE UNHEX(?) ESCAPE '!'"
                    + " ORDER BY CAST(TABLE_SCHEMA AS BINARY)";

    private final String engine;

    MySqlLockListing(String engine) {
        this.engine = engine;
    }

    /**
     * The string-named locks held whose names, as the application wrote them, start with {@code prefix}.
     *
     * <p>The server-side form of a name is {@code database.} plus the name, with one more {@code #} in front of names
     * starting with {@code #} (see {@link LockNames}); the prefix is turned into that form, so {@code "#t"} finds
     * {@code "#tag"}, and names come back as written. Numeric keys have no name and are not listed. A name too long for
     * the server is kept as its first {@link LockNames#KEPT_CHARS} characters (database prefix included) and a hash: a
     * prefix within those characters finds it; a longer prefix can only be matched against hashed names this JVM made
     * (it remembers their full text), so a hashed name from elsewhere that the clear part cannot rule out makes the
     * call fail with {@link LockUsageException} instead of answering wrongly.
     */
    List<NamedLockHolder> namesHeldWithPrefix(Connection connection, String database, String prefix)
            throws SQLException {
        String serverPrefix = database + "." + (prefix.startsWith("#") ? "#" + prefix : prefix);
        boolean beyondClearPart = serverPrefix.codePointCount(0, serverPrefix.length()) > LockNames.KEPT_CHARS;
        String searched = beyondClearPart
                ? serverPrefix.substring(0, serverPrefix.offsetByCodePoints(0, LockNames.KEPT_CHARS))
                : serverPrefix;
        String pattern = LockNames.hex(escape(searched) + "%");
        List<Object[]> rows;
        if (performanceSchema(connection) == PerformanceSchema.READY) {
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
        for (Object[] row : rows) {
            String serverName = new String(
                    java.util.HexFormat.of().parseHex((String) row[0]), java.nio.charset.StandardCharsets.UTF_8);
            long holder = ((Number) row[1]).longValue();
            String full = LockNames.resolve(serverName);
            if (full == null) { // hashed by another process: only its clear part is known
                if (beyondClearPart) {
                    throw new LockUsageException(
                            "the prefix '" + prefix + "' is longer than the part of a hashed lock name kept in clear ("
                                    + (LockNames.KEPT_CHARS - database.length() - 1) + " characters of a name in"
                                    + " database '" + database + "'), and the held lock '" + serverName + "' was"
                                    + " hashed by another process, so whether it matches cannot be told: use a"
                                    + " prefix of at most that length",
                            null);
                }
                held.add(new NamedLockHolder(serverName.substring(database.length() + 1), holder));
            } else if (full.startsWith(serverPrefix)) {
                LockNames.decode(database, full)
                        .flatMap(io.dblock.LockKey::name)
                        .ifPresent(name -> held.add(new NamedLockHolder(name, holder)));
            }
        }
        return held;
    }

    /** What {@code performance_schema} offers dblock on this server, for this user. */
    enum PerformanceSchema {
        READY,
        OFF,
        INSTRUMENT_OFF
    }

    /**
     * Whether {@code performance_schema} is on with its metadata-lock instrument enabled.
     *
     * @throws io.dblock.LockUsageException when it is on but this user may not read it, naming the privilege
     */
    PerformanceSchema performanceSchema(Connection connection) throws SQLException {
        Object on = Sql.row(connection, "SELECT @@performance_schema", List.of(), WaitGuard.NONE)[0];
        if (on == null || ((Number) on).intValue() == 0) {
            return PerformanceSchema.OFF;
        }
        try {
            Object[] row = Sql.row(
                    connection,
                    "SELECT COUNT(*) FROM performance_schema.setup_instruments WHERE NAME ="
                            + " 'wait/lock/metadata/sql/mdl' AND ENABLED = 'YES'",
                    List.of(),
                    WaitGuard.NONE);
            return ((Number) row[0]).longValue() > 0 ? PerformanceSchema.READY : PerformanceSchema.INSTRUMENT_OFF;
        } catch (SQLException e) {
            if (MySqlErrors.classify(e) == io.dblock.spi.Failure.PRIVILEGE) {
                throw missingPerformanceSchemaPrivilege(e);
            }
            throw e;
        }
    }

    /** The usage error for a user who may not read {@code performance_schema}. */
    static LockUsageException missingPerformanceSchemaPrivilege(SQLException e) {
        return new LockUsageException(
                "the database user lacks the SELECT privilege on performance_schema, where dblock reads locks"
                        + " (metadata_locks, threads, session_connect_attrs, setup_instruments): GRANT SELECT ON"
                        + " performance_schema.* TO the user (server said: " + e.getMessage() + ")",
                null,
                null,
                null,
                e);
    }

    private static long count(Connection connection, String sql) {
        try {
            return ((Number) Sql.row(connection, sql, List.of(), WaitGuard.NONE)[0]).longValue();
        } catch (SQLException e) {
            return 0; // the schema or plugin table does not exist on this server: treat as "not available"
        }
    }

    /** LIKE with '!' as the escape character, so '%' and '_' in names are literal. */
    static String escape(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
