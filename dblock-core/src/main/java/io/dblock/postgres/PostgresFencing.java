package io.dblock.postgres;

import io.dblock.LockKey;
import io.dblock.PgLocksId;
import io.dblock.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fencing tokens on PostgreSQL: one row per advisory lock, keyed by where {@code pg_locks} shows it ({@code
 * classid:objid:objsubid}), so a name and the 64-bit number it hashes to share one sequence, as they share one lock.
 * The increment is a single auto-committed upsert.
 */
final class PostgresFencing {

    private PostgresFencing() {}

    static String ddl(TableName table) {
        return "CREATE TABLE IF NOT EXISTS " + PostgresSql.quote(table)
                + " (lock_key varchar(64) PRIMARY KEY, token bigint NOT NULL)";
    }

    static void create(Connection connection, TableName table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(ddl(table));
        }
    }

    static long next(Connection connection, TableName table, LockKey key) throws SQLException {
        String quoted = PostgresSql.quote(table);
        String sql = "INSERT INTO " + quoted + " AS f (lock_key, token) VALUES (?, 1)"
                + " ON CONFLICT (lock_key) DO UPDATE SET token = f.token + 1 RETURNING token";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, rowKey(key));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String rowKey(LockKey key) {
        PgLocksId id = key.pgLocksId();
        return id.classid() + ":" + id.objid() + ":" + id.objsubid();
    }
}
