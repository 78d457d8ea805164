package io.dblock.mysql;

import io.dblock.LockKey;
import io.dblock.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fencing tokens on MySQL and MariaDB: one row per named lock, keyed by the name {@code GET_LOCK} takes (database
 * prefix, hashed when long), so keys that are one lock on the server share one sequence. The upsert stores the new
 * value through {@code LAST_INSERT_ID(expr)}, which the same session then reads back: two statements, no race, because
 * the caller holds the exclusive lock and {@code LAST_INSERT_ID} is per session.
 */
final class MySqlFencing {

    private MySqlFencing() {}

    static String ddl(TableName table) {
        return "CREATE TABLE IF NOT EXISTS " + MySqlTableLocks.quote(table)
                + " (lock_key varchar(64) CHARACTER SET utf8mb4 NOT NULL PRIMARY KEY, token bigint NOT NULL) ENGINE=InnoDB";
    }

    static void create(Connection connection, TableName table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(ddl(table));
        }
    }

    static long next(Connection connection, TableName table, LockKey key) throws SQLException {
        String sql = "INSERT INTO " + MySqlTableLocks.quote(table) + " (lock_key, token) VALUES (?, LAST_INSERT_ID(1))"
                + " ON DUPLICATE KEY UPDATE token = LAST_INSERT_ID(token + 1)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, LockNames.name(LockNames.database(connection), key));
            statement.executeUpdate();
        }
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT LAST_INSERT_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
