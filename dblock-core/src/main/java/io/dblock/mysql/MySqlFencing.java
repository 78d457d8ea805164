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
 *
 * <p>Durability: a token must survive a crash, or the next holder gets it again. InnoDB makes a commit durable before
 * it returns only with {@code innodb_flush_log_at_trx_commit = 1} (the default); with 0 or 2 a crash can lose about the
 * last second of commits. That setting is global: no session can raise it for its own commits (unlike PostgreSQL's
 * {@code synchronous_commit}, which dblock sets per token). dblock reads it with every token (in the statement that
 * reads the token back, so at no extra round trip) and logs a warning, once per {@code DbLocks}, when it is not 1. Nothing a client does helps against storage that acknowledges writes it has
 * not made durable.
 */
final class MySqlFencing {

    static String ddl(TableName table) {
        return "CREATE TABLE IF NOT EXISTS " + MySqlTableLocks.quote(table)
                + " (lock_key varchar(64) CHARACTER SET utf8mb4 NOT NULL PRIMARY KEY, token bigint NOT NULL) ENGINE=InnoDB";
    }

    static void create(Connection connection, TableName table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(ddl(table));
        }
    }

    private static final System.Logger LOG = System.getLogger(MySqlFencing.class.getName());

    /** Set once the warning about {@code innodb_flush_log_at_trx_commit} was logged (once per engine instance). */
    private volatile boolean warned;

    long next(Connection connection, TableName table, LockKey key) throws SQLException {
        String sql = "INSERT INTO " + MySqlTableLocks.quote(table) + " (lock_key, token) VALUES (?, LAST_INSERT_ID(1))"
                + " ON DUPLICATE KEY UPDATE token = LAST_INSERT_ID(token + 1)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, LockNames.name(LockNames.database(connection), key));
            statement.executeUpdate();
        }
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT LAST_INSERT_ID(), @@innodb_flush_log_at_trx_commit")) {
            rs.next();
            int flush = rs.getInt(2);
            if (flush != 1 && !warned) {
                warned = true;
                LOG.log(
                        System.Logger.Level.WARNING,
                        "the server runs with innodb_flush_log_at_trx_commit = " + flush + ": a crash can lose the last"
                                + " second of fencing-token increments, and a token could then be handed out twice."
                                + " Set it to 1 (the default) where fencing tokens must hold across crashes.");
            }
            return rs.getLong(1);
        }
    }
}
