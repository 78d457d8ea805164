package io.dblock.mysql;

import io.dblock.LockKey;
import io.dblock.TableName;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import io.dblock.mysql.MetadataLockGraph.MetadataLock;
import io.dblock.spi.Failure;
import io.dblock.spi.Inspection;
import io.dblock.spi.InspectionSnapshot;
import io.dblock.spi.Prioritising;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Locks, waits and sessions from {@code performance_schema} ({@code metadata_locks}, {@code threads}), for the
 * inspector and for prioritised waits. Session rows are mapped by {@link MySqlSessionRows}; who waits for whom is
 * {@link MetadataLockGraph}.
 */
final class MySqlInspection implements Inspection, Prioritising {

    private final String engine;
    private volatile boolean transactionsVisible = true;

    MySqlInspection(String engine) {
        this.engine = engine;
    }

    @Override
    public InspectionSnapshot inspect(Connection connection) throws SQLException {
        MySqlPerformanceSchema.require(connection, engine);
        String database = LockNames.database(connection);
        List<Object[]> rows;
        try {
            rows = Sql.rows(
                    connection, locksQuery(), List.of(MySqlLockListing.escape(database + ".") + "%"), WaitGuard.NONE);
        } catch (SQLException e) {
            if (!hideTransactions(e)) {
                throw e;
            }
            return inspect(connection);
        }
        return snapshot(connection, database, rows);
    }

    /**
     * After the locks could not be read: true if that was for want of the {@code PROCESS} privilege for {@code
     * INNODB_TRX}, so the query goes on without transaction starts (the read is to be repeated); false if the failure
     * stands; throws when {@code performance_schema} may not be read at all.
     */
    private boolean hideTransactions(SQLException e) {
        if (e.getErrorCode() != 1227 && MySqlErrors.classify(e) == Failure.PRIVILEGE) {
            throw MySqlPerformanceSchema.missingPrivilege(e);
        }
        if (!transactionsVisible || e.getErrorCode() != 1227) {
            return false;
        }
        transactionsVisible = false; // no PROCESS privilege for INNODB_TRX: do without transaction starts
        return true;
    }

    /** The snapshot of the rows of {@link #locksQuery()}, as of the server's time. */
    private static InspectionSnapshot snapshot(Connection connection, String database, List<Object[]> rows)
            throws SQLException {
        Instant at = rows.isEmpty()
                ? MySqlSessionRows.now(connection)
                : MySqlSessionRows.seconds(rows.get(0)[5 + MySqlSessionRows.COUNT])
                        .orElseThrow();
        Set<Long> holdingTables = rows.isEmpty() ? Set.of() : MySqlSessionRows.tableLockHolders(connection);
        List<MetadataLock> parsed = new ArrayList<>();
        for (Object[] row : rows) {
            MetadataLock lock = lock(row, database, at, holdingTables);
            if (lock != null) {
                parsed.add(lock);
            }
        }
        return MetadataLockGraph.snapshot(at, parsed);
    }

    /** The metadata locks of this database's named locks and tables, granted first, with their sessions. */
    private String locksQuery() {
        return "SELECT m.OBJECT_TYPE, m.OBJECT_SCHEMA, m.OBJECT_NAME, m.LOCK_TYPE, m.LOCK_STATUS, "
                + MySqlSessionRows.columns(transactionsVisible) + ", UNIX_TIMESTAMP(NOW(6))"
                + " FROM performance_schema.metadata_locks m"
                + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
                + " WHERE t.PROCESSLIST_ID IS NOT NULL AND ((m.OBJECT_TYPE = 'USER LEVEL LOCK' AND m.OBJECT_NAME LIKE ?"
                + " ESCAPE '!') OR (m.OBJECT_TYPE = 'TABLE' AND m.OBJECT_SCHEMA = DATABASE()))"
                + " ORDER BY m.LOCK_STATUS <> 'GRANTED', t.PROCESSLIST_ID, m.OBJECT_TYPE, m.OBJECT_SCHEMA, m.OBJECT_NAME";
    }

    /** One row of {@link #locksQuery()} as a lock; null for a named lock that is not one of dblock's keys. */
    private static MetadataLock lock(Object[] row, String database, Instant at, Set<Long> holdingTables) {
        boolean table = "TABLE".equals(row[0]);
        Optional<LockKey> key = table ? Optional.empty() : LockNames.decode(database, (String) row[2]);
        if (!table && key.isEmpty()) {
            return null;
        }
        SessionInfo session = MySqlSessionRows.session(row, 5, at, holdingTables);
        LockInfo info = lockInfo(row, table, key, session, at);
        return new MetadataLock(row[0] + "\u0000" + row[1] + "\u0000" + row[2], (String) row[3], info);
    }

    private static LockInfo lockInfo(
            Object[] row, boolean table, Optional<LockKey> key, SessionInfo session, Instant at) {
        boolean granted = "GRANTED".equals(row[4]);
        Optional<Instant> since = granted ? Optional.empty() : session.stateSince();
        Optional<Duration> waited = since.map(s -> nonNegative(Duration.between(s, at)));
        return new LockInfo(
                table ? LockInfo.Kind.TABLE : LockInfo.Kind.ADVISORY,
                table ? Optional.of(TableName.of((String) row[1], (String) row[2])) : Optional.empty(),
                key,
                table ? MetadataLockTypes.tableMode((String) row[3]) : "EXCLUSIVE",
                granted,
                since,
                waited,
                session);
    }

    @Override
    public Map<Long, SessionInfo> sessions(Connection connection, Set<Long> ids) throws SQLException {
        Map<Long, SessionInfo> sessions = new HashMap<>();
        if (ids.isEmpty()) {
            return sessions;
        }
        MySqlPerformanceSchema.require(connection, engine);
        StringBuilder in = new StringBuilder();
        for (Long id : ids) {
            in.append(in.length() == 0 ? "" : ", ").append(id.longValue()); // numbers, not user text
        }
        String sql = "SELECT " + MySqlSessionRows.columns(transactionsVisible)
                + ", UNIX_TIMESTAMP(NOW(6)) FROM performance_schema.threads t WHERE t.PROCESSLIST_ID IN (" + in + ")";
        Set<Long> holdingTables = MySqlSessionRows.tableLockHolders(connection);
        for (Object[] row : Sql.rows(connection, sql, List.of(), WaitGuard.NONE)) {
            Instant at = MySqlSessionRows.seconds(row[MySqlSessionRows.COUNT]).orElseThrow();
            SessionInfo session = MySqlSessionRows.session(row, 0, at, holdingTables);
            sessions.put(session.connectionId(), session);
        }
        return sessions;
    }

    /** From a full {@link #inspect} snapshot: MySQL/MariaDB have no cheaper question. */
    @Override
    public Set<Long> blockers(Connection connection, long waiterId) throws SQLException {
        return inspect(connection).blockersOf(waiterId);
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
