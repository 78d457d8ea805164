package io.dblock.postgres;

import io.dblock.LockKey;
import io.dblock.PgLocksId;
import io.dblock.TableName;
import io.dblock.spi.Fencing;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fencing tokens on PostgreSQL: one row per advisory lock, keyed by where {@code pg_locks} shows it ({@code
 * classid:objid:objsubid}), so a name and the 64-bit number it hashes to share one sequence, as they share one lock.
 * The increment is a single auto-committed upsert.
 *
 * <p>Durability: a token must never be handed out twice, so its increment must survive a crash. With the server's
 * {@code synchronous_commit = off} (a common tuning) a commit returns before its WAL record is written, and a crash
 * right after loses it: the next holder would get the same token again. The upsert therefore runs {@code
 * set_config('synchronous_commit', 'on', true)} inside its own (implicit) transaction, which makes that one commit
 * wait for its WAL flush; nothing else on the session changes. The table's creation commits the same way. What no
 * client can fix: {@code fsync = off} on the server, or storage that acknowledges writes it has not made durable; a
 * crash of the machine (not just of PostgreSQL) can then still lose the last increments.
 */
final class PostgresFencing implements Fencing {

    @Override
    public String fencingTableDdl(TableName table) {
        return "CREATE TABLE IF NOT EXISTS " + PostgresSql.quote(table)
                + " (lock_key varchar(64) PRIMARY KEY, token bigint NOT NULL)";
    }

    /** Creates the table in a transaction of its own that commits with {@code synchronous_commit = on}. */
    @Override
    public void createFencingTable(Connection connection, TableName table) throws SQLException {
        if (!connection.getAutoCommit()) {
            throw new io.dblock.LockUsageException(
                    "createFencingTable needs an auto-commit connection: it commits the table on its own", null);
        }
        connection.setAutoCommit(false);
        try {
            createDurably(connection, table);
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** In the connection's open transaction: creates the table and commits durably, or rolls back. */
    private void createDurably(Connection connection, TableName table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL synchronous_commit = on");
            statement.execute(fencingTableDdl(table));
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    @Override
    public long nextFencingToken(Connection connection, TableName table, LockKey key) throws SQLException {
        String quoted = PostgresSql.quote(table);
        // the sub-select sets synchronous_commit for this statement's own transaction only (is_local = true)
        String sql = "INSERT INTO " + quoted + " AS f (lock_key, token)"
                + " SELECT ?, 1 FROM (SELECT set_config('synchronous_commit', 'on', true)) AS durable"
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
