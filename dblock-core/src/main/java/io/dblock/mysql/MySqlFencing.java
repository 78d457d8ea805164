package io.dblock.mysql;

import io.dblock.LockKey;
import io.dblock.TableName;
import io.dblock.spi.Fencing;
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
final class MySqlFencing implements Fencing {

    private static final System.Logger LOG = System.getLogger(MySqlFencing.class.getName());

    /** Set once the warning about {@code innodb_flush_log_at_trx_commit} was logged (once per engine instance). */
    private volatile boolean warned;

    /** Set once the table's key column was found binary (checked with the first token of each engine instance). */
    private volatile boolean keyChecked;

    @Override
    public String fencingTableDdl(TableName table) {
        return "CREATE TABLE IF NOT EXISTS " + MySqlIdentifiers.quote(table)
                + " (lock_key varbinary(192) NOT NULL PRIMARY KEY, token bigint NOT NULL) ENGINE=InnoDB";
    }

    /** The statement that turns a table of dblock before 0.2 ({@code varchar utf8mb4}, case-insensitive) binary. */
    static String migration(TableName table) {
        return "ALTER TABLE " + MySqlIdentifiers.quote(table) + " MODIFY lock_key varbinary(192) NOT NULL";
    }

    /** Creates the table, or migrates one with a text {@code lock_key} (see {@link #migration}). */
    @Override
    public void createFencingTable(Connection connection, TableName table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(fencingTableDdl(table));
            if (!binaryKey(connection, table)) {
                statement.execute(migration(table));
            }
        }
    }

    /** Reads the {@code lock_key} column's type: true if binary (or the column cannot be found, e.g. no privilege). */
    private static boolean binaryKey(Connection connection, TableName table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(keyTypeQuery(table))) {
            bindTable(statement, table);
            try (ResultSet rs = statement.executeQuery()) {
                return !rs.next() || isBinary(rs.getString(1));
            }
        }
    }

    /** The {@code DATA_TYPE} of the table's {@code lock_key} column; {@link #bindTable} binds its placeholders. */
    private static String keyTypeQuery(TableName table) {
        return "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                + (table.schema().isPresent() ? "?" : "DATABASE()")
                + " AND TABLE_NAME = ? AND COLUMN_NAME = 'lock_key'";
    }

    private static void bindTable(PreparedStatement statement, TableName table) throws SQLException {
        int i = 1;
        if (table.schema().isPresent()) {
            statement.setString(i++, table.schema().get());
        }
        statement.setString(i, table.table());
    }

    private static boolean isBinary(String dataType) {
        return dataType == null || dataType.equalsIgnoreCase("varbinary") || dataType.equalsIgnoreCase("binary");
    }

    @Override
    public long nextFencingToken(Connection connection, TableName table, LockKey key) throws SQLException {
        increment(connection, table, key);
        boolean checkKey = !keyChecked;
        String read = "SELECT LAST_INSERT_ID(), @@innodb_flush_log_at_trx_commit"
                + (checkKey ? ", (" + keyTypeQuery(table) + ")" : "");
        try (PreparedStatement statement = connection.prepareStatement(read)) {
            if (checkKey) {
                bindTable(statement, table);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                warnIfNotDurable(rs.getInt(2));
                if (checkKey) {
                    requireBinaryKey(table, rs.getString(3));
                }
                return rs.getLong(1);
            }
        }
    }

    /** The upsert that stores the key's next token through {@code LAST_INSERT_ID(expr)}. */
    private static void increment(Connection connection, TableName table, LockKey key) throws SQLException {
        String sql = "INSERT INTO " + MySqlIdentifiers.quote(table)
                + " (lock_key, token) VALUES (UNHEX(?), LAST_INSERT_ID(1))"
                + " ON DUPLICATE KEY UPDATE token = LAST_INSERT_ID(token + 1)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, LockNames.hex(LockNames.name(LockNames.database(connection), key)));
            statement.executeUpdate();
        }
    }

    private void warnIfNotDurable(int flush) {
        if (flush != 1 && !warned) {
            warned = true;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "the server runs with innodb_flush_log_at_trx_commit = " + flush + ": a crash can lose the"
                            + " last second of fencing-token increments, and a token could then be handed out"
                            + " twice. Set it to 1 (the default) where fencing tokens must hold across"
                            + " crashes.");
        }
    }

    private void requireBinaryKey(TableName table, String dataType) {
        if (!isBinary(dataType)) {
            throw new io.dblock.LockUsageException(
                    "the fencing-token table " + table + " has a text lock_key column (dblock before 0.2):"
                            + " its case-insensitive collation gives locks that differ only in case one"
                            + " token sequence. Migrate it once with DbLocks.createFencingTable(), or run: "
                            + migration(table),
                    null);
        }
        keyChecked = true;
    }
}
