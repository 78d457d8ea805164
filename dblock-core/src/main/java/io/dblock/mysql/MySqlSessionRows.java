package io.dblock.mysql;

import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.SessionState;
import io.dblock.spi.WaitGuard;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Sessions as {@code performance_schema.threads} describes them (with the holder label dblock keeps in the user
 * variable {@code @dblock_holder}, from {@code user_variables_by_thread}): the columns to select ({@link #columns}) and the
 * {@link SessionInfo} a row of them maps to, with the server's timestamps.
 */
final class MySqlSessionRows {

    private MySqlSessionRows() {}

    /** Columns describing the session of {@code performance_schema.threads} alias {@code t}. */
    private static final String SESSION_COLUMNS = "t.PROCESSLIST_ID, t.PROCESSLIST_USER,"
            + " (SELECT a.ATTR_VALUE FROM performance_schema.session_connect_attrs a"
            + " WHERE a.PROCESSLIST_ID = t.PROCESSLIST_ID AND a.ATTR_NAME = 'program_name' LIMIT 1),"
            + " t.PROCESSLIST_COMMAND, t.PROCESSLIST_TIME, %s, LEFT(t.PROCESSLIST_INFO, "
            + (SessionInfo.MAX_QUERY_CHARS + 1)
            + "), (SELECT CONVERT(v.VARIABLE_VALUE USING utf8mb4) FROM performance_schema.user_variables_by_thread v"
            + " WHERE v.THREAD_ID = t.THREAD_ID AND v.VARIABLE_NAME = 'dblock_holder' LIMIT 1)";

    /** How many columns {@link #columns} selects. */
    static final int COUNT = 8;

    /** Sessions holding granted table metadata locks (live, unlike INNODB_TRX). */
    private static final String TABLE_LOCK_HOLDERS = "SELECT DISTINCT t.PROCESSLIST_ID"
            + " FROM performance_schema.metadata_locks m"
            + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
            + " WHERE m.OBJECT_TYPE = 'TABLE' AND m.LOCK_STATUS = 'GRANTED' AND t.PROCESSLIST_ID IS NOT NULL";

    /**
     * Transaction start from InnoDB, which needs the PROCESS privilege on MySQL 8 (without it, NULL). The server serves
     * INNODB_TRX from a cache refreshed only after 100 ms without reads, so frequent polling sees it stale: whether a
     * sleeping session is in a transaction is therefore also judged from the table metadata locks it holds, which are
     * live (held until COMMIT, or UNLOCK TABLES).
     */
    private static final String TRX_START =
            "(SELECT UNIX_TIMESTAMP(MIN(x.trx_started)) FROM information_schema.INNODB_TRX x"
                    + " WHERE x.trx_mysql_thread_id = t.PROCESSLIST_ID)";

    /** The session columns, with the transaction start only if the user may read it. */
    static String columns(boolean transactionsVisible) {
        return SESSION_COLUMNS.formatted(transactionsVisible ? TRX_START : "NULL");
    }

    /** The sessions holding table metadata locks, which makes a sleeping session one idle in a transaction. */
    static Set<Long> tableLockHolders(Connection connection) throws SQLException {
        Set<Long> ids = new java.util.HashSet<>();
        for (Object[] row : Sql.rows(connection, TABLE_LOCK_HOLDERS, List.of(), WaitGuard.NONE)) {
            ids.add(((Number) row[0]).longValue());
        }
        return ids;
    }

    /** The session of the {@link #columns} starting at {@code row[from]}, as of the server's time {@code at}. */
    static SessionInfo session(Object[] row, int from, Instant at, Set<Long> holdingTables) {
        long id = ((Number) row[from]).longValue();
        String command = (String) row[from + 3];
        Optional<Instant> transactionStart = seconds(row[from + 5]);
        SessionState state = state(command, transactionStart.isPresent() || holdingTables.contains(id));
        Optional<Instant> stateSince =
                Optional.ofNullable((Number) row[from + 4]).map(secondsAgo -> at.minusSeconds(secondsAgo.longValue()));
        return new SessionInfo(
                id,
                Optional.ofNullable((String) row[from + 1]),
                Optional.ofNullable((String) row[from + 2]).filter(s -> !s.isEmpty()),
                state,
                stateSince,
                transactionStart,
                Optional.ofNullable((String) row[from + 6]).filter(s -> !s.isEmpty()),
                Optional.ofNullable((String) row[from + 7]).filter(s -> s.startsWith("dblock ")));
    }

    /** A thread's state from its {@code PROCESSLIST_COMMAND}; a sleeping one in a transaction is idle in it. */
    private static SessionState state(String command, boolean inTransaction) {
        if ("Sleep".equals(command)) {
            return inTransaction ? SessionState.IDLE_IN_TRANSACTION : SessionState.IDLE;
        }
        if ("Query".equals(command) || "Execute".equals(command)) {
            return SessionState.ACTIVE;
        }
        return SessionState.OTHER;
    }

    /** The server's clock. */
    static Instant now(Connection connection) throws SQLException {
        return seconds(Sql.row(connection, "SELECT UNIX_TIMESTAMP(NOW(6))", List.of(), WaitGuard.NONE)[0])
                .orElseThrow();
    }

    /** A {@code UNIX_TIMESTAMP} value (seconds, with a fraction) as an instant; empty for NULL. */
    static Optional<Instant> seconds(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        BigDecimal seconds = new BigDecimal(value.toString());
        long whole = seconds.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        long nanos =
                seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Optional.of(Instant.ofEpochSecond(whole, nanos));
    }
}
