package io.dblock.mysql;

import io.dblock.LockUsageException;
import io.dblock.NamedLockHolder;
import io.dblock.UnsupportedLockException;
import io.dblock.spi.LockNameListing;
import io.dblock.spi.WaitGuard;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Lists user-level locks: {@code performance_schema.metadata_locks} (MySQL 8; MariaDB 10.5.2+ with {@code
 * performance_schema} and the {@code wait/lock/metadata/sql/mdl} instrument on), else MariaDB's {@code
 * METADATA_LOCK_INFO} plugin.
 */
final class MySqlLockListing implements LockNameListing {

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
    @Override
    public List<NamedLockHolder> namesHeldWithPrefix(Connection connection, String prefix) throws SQLException {
        Prefix search = Prefix.of(LockNames.database(connection), prefix);
        List<NamedLockHolder> held = new ArrayList<>();
        for (Object[] row : heldRows(connection, search.pattern())) {
            String serverName = new String(HexFormat.of().parseHex((String) row[0]), StandardCharsets.UTF_8);
            long holder = ((Number) row[1]).longValue();
            search.listedName(serverName).ifPresent(name -> held.add(new NamedLockHolder(name, holder)));
        }
        return held;
    }

    /** The rows (hex of the name, holder's id) of the granted user locks whose names match {@code pattern}. */
    private List<Object[]> heldRows(Connection connection, String pattern) throws SQLException {
        if (MySqlPerformanceSchema.state(connection) == MySqlPerformanceSchema.State.READY) {
            return Sql.rows(connection, PERFORMANCE_SCHEMA, List.of(pattern), WaitGuard.NONE);
        }
        if (count(
                        connection,
                        "SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME ="
                                + " 'METADATA_LOCK_INFO' AND PLUGIN_STATUS = 'ACTIVE'")
                > 0) {
            return Sql.rows(connection, PLUGIN, List.of(pattern), WaitGuard.NONE);
        }
        throw new UnsupportedLockException(
                engine + " does not expose its user locks: start the server with --performance-schema=ON"
                        + " --performance-schema-instrument='wait/lock/metadata/sql/mdl=ON', or (MariaDB) run"
                        + " INSTALL SONAME 'metadata_lock_info'",
                null);
    }

    /**
     * A prefix as the application wrote it ({@code asked}) and in its server-side form ({@code server}).
     *
     * @param beyondClearPart whether the server-side prefix is longer than the clear part of a hashed name
     */
    private record Prefix(String asked, String database, String server, boolean beyondClearPart) {

        static Prefix of(String database, String prefix) {
            String server = database + "." + (prefix.startsWith("#") ? "#" + prefix : prefix);
            boolean beyond = server.codePointCount(0, server.length()) > LockNames.KEPT_CHARS;
            return new Prefix(prefix, database, server, beyond);
        }

        /** The {@code LIKE} pattern, as hex of its bytes, for the names the server may hold under this prefix. */
        String pattern() {
            String searched =
                    beyondClearPart ? server.substring(0, server.offsetByCodePoints(0, LockNames.KEPT_CHARS)) : server;
            return LockNames.hex(escape(searched) + "%");
        }

        /**
         * The name, as written, that a held lock found by {@link #pattern()} is listed under; empty if it does not
         * start with this prefix or is not a named key.
         */
        Optional<String> listedName(String serverName) {
            String full = LockNames.resolve(serverName);
            if (full == null) { // hashed by another process: only its clear part is known
                if (beyondClearPart) {
                    throw cannotTell(serverName);
                }
                return Optional.of(serverName.substring(database.length() + 1));
            }
            if (!full.startsWith(server)) {
                return Optional.empty();
            }
            return LockNames.decode(database, full).flatMap(io.dblock.LockKey::name);
        }

        /** A name hashed by another process, of whose clear part this prefix is longer. */
        private LockUsageException cannotTell(String serverName) {
            return new LockUsageException(
                    "the prefix '" + asked + "' is longer than the part of a hashed lock name kept in clear ("
                            + (LockNames.KEPT_CHARS - database.length() - 1) + " characters of a name in"
                            + " database '" + database + "'), and the held lock '" + serverName + "' was"
                            + " hashed by another process, so whether it matches cannot be told: use a"
                            + " prefix of at most that length",
                    null);
        }
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
