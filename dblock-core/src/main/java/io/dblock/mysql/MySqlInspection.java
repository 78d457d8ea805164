package io.dblock.mysql;

import io.dblock.LockKey;
import io.dblock.LockUsageException;
import io.dblock.TableName;
import io.dblock.UnsupportedLockException;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import io.dblock.spi.InspectionSnapshot;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.math.BigDecimal;
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
 * Locks, waits and sessions from {@code performance_schema} ({@code metadata_locks}, {@code threads}), cancel/terminate
 * with {@code KILL}, scoped {@code lock_wait_timeout}/{@code innodb_lock_wait_timeout}. Session rows are mapped by
 * {@link MySqlSessionRows}; which metadata-lock types conflict is {@link MetadataLockTypes}.
 */
final class MySqlInspection {

    private final String engine;
    private final MySqlLockListing listing;
    private final boolean mariaDb;
    private volatile boolean transactionsVisible = true;

    MySqlInspection(String engine, MySqlLockListing listing, boolean mariaDb) {
        this.engine = engine;
        this.listing = listing;
        this.mariaDb = mariaDb;
    }

    InspectionSnapshot inspect(Connection connection) throws SQLException {
        requirePerformanceSchema(connection);
        String database = LockNames.database(connection);
        List<Object[]> rows;
        try {
            rows = Sql.rows(
                    connection, locksQuery(), List.of(MySqlLockListing.escape(database + ".") + "%"), WaitGuard.NONE);
        } catch (SQLException e) {
            if (e.getErrorCode() != 1227 && MySqlErrors.classify(e) == io.dblock.spi.Failure.PRIVILEGE) {
                throw MySqlLockListing.missingPerformanceSchemaPrivilege(e);
            }
            if (!transactionsVisible || e.getErrorCode() != 1227) {
                throw e;
            }
            transactionsVisible = false; // no PROCESS privilege for INNODB_TRX: do without transaction starts
            return inspect(connection);
        }
        Instant at = rows.isEmpty()
                ? MySqlSessionRows.now(connection)
                : MySqlSessionRows.seconds(rows.get(0)[5 + MySqlSessionRows.COUNT])
                        .orElseThrow();
        Set<Long> holdingTables = rows.isEmpty() ? Set.of() : MySqlSessionRows.tableLockHolders(connection);
        List<Row> parsed = new ArrayList<>();
        for (Object[] row : rows) {
            Row lock = lock(row, database, at, holdingTables);
            if (lock != null) {
                parsed.add(lock);
            }
        }
        return snapshot(at, parsed);
    }

    /** Every lock, and the wait-for edges between their sessions (sorted), with the sessions on an edge. */
    private static InspectionSnapshot snapshot(Instant at, List<Row> parsed) {
        List<LockInfo> locks = new ArrayList<>();
        parsed.forEach(lock -> locks.add(lock.info));
        List<InspectionSnapshot.Edge> edges = new ArrayList<>();
        Map<Long, SessionInfo> sessions = new HashMap<>();
        addHolderEdges(parsed, edges, sessions);
        addQueueEdges(parsed, edges, sessions);
        edges.sort((a, b) -> a.waiter() != b.waiter()
                ? Long.compare(a.waiter(), b.waiter())
                : Long.compare(a.blocker(), b.blocker()));
        return new InspectionSnapshot(at, locks, edges, sessions);
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
    private static Row lock(Object[] row, String database, Instant at, Set<Long> holdingTables) {
        SessionInfo session = MySqlSessionRows.session(row, 5, at, holdingTables);
        boolean granted = "GRANTED".equals(row[4]);
        String objectType = (String) row[0];
        String lockType = (String) row[3];
        Optional<Instant> since = granted ? Optional.empty() : session.stateSince();
        Optional<Duration> waited = since.map(s -> nonNegative(Duration.between(s, at)));
        LockInfo info;
        if ("TABLE".equals(objectType)) {
            info = new LockInfo(
                    LockInfo.Kind.TABLE,
                    Optional.of(TableName.of((String) row[1], (String) row[2])),
                    Optional.empty(),
                    MetadataLockTypes.tableMode(lockType),
                    granted,
                    since,
                    waited,
                    session);
        } else {
            Optional<LockKey> key = LockNames.decode(database, (String) row[2]);
            if (key.isEmpty()) {
                return null;
            }
            info = new LockInfo(
                    LockInfo.Kind.ADVISORY, Optional.empty(), key, "EXCLUSIVE", granted, since, waited, session);
        }
        return new Row(objectType + "\u0000" + row[1] + "\u0000" + row[2], lockType, info);
    }

    /** Edges from each pending request to the sessions holding a conflicting lock on the same object. */
    private static void addHolderEdges(
            List<Row> parsed, List<InspectionSnapshot.Edge> edges, Map<Long, SessionInfo> sessions) {
        for (Row waiting : parsed) {
            if (waiting.info.granted()) {
                continue;
            }
            for (Row holder : parsed) {
                if (holder.info.granted()
                        && holder.object.equals(waiting.object)
                        && holder.info.connectionId() != waiting.info.connectionId()
                        && MetadataLockTypes.conflicts(waiting.lockType, holder.lockType)) {
                    addEdge(edges, sessions, waiting, holder);
                }
            }
        }
    }

    /**
     * Queue order: a pending request that no granted lock conflicts with waits behind a conflicting request queued
     * before it (MDL serves a pending stronger request first: a SELECT behind a pending LOCK TABLES ... WRITE).
     */
    private static void addQueueEdges(
            List<Row> parsed, List<InspectionSnapshot.Edge> edges, Map<Long, SessionInfo> sessions) {
        for (Row waiting : parsed) {
            long waiter = waiting.info.connectionId();
            if (waiting.info.granted() || edges.stream().anyMatch(e -> e.waiter() == waiter)) {
                continue;
            }
            for (Row queued : parsed) {
                if (!queued.info.granted()
                        && queued.object.equals(waiting.object)
                        && queued.info.connectionId() != waiter
                        && MetadataLockTypes.conflicts(waiting.lockType, queued.lockType)) {
                    addEdge(edges, sessions, waiting, queued);
                }
            }
        }
    }

    /** Adds the edge from {@code waiting}'s session to {@code blocker}'s, once, with both sessions. */
    private static void addEdge(
            List<InspectionSnapshot.Edge> edges, Map<Long, SessionInfo> sessions, Row waiting, Row blocker) {
        long waiter = waiting.info.connectionId();
        long blocking = blocker.info.connectionId();
        if (edges.stream().noneMatch(e -> e.waiter() == waiter && e.blocker() == blocking)) {
            edges.add(new InspectionSnapshot.Edge(waiter, blocking));
            sessions.put(waiter, waiting.info.session());
            sessions.put(blocking, blocker.info.session());
        }
    }

    private record Row(String object, String lockType, LockInfo info) {}

    Map<Long, SessionInfo> sessions(Connection connection, Set<Long> ids) throws SQLException {
        Map<Long, SessionInfo> sessions = new HashMap<>();
        if (ids.isEmpty()) {
            return sessions;
        }
        requirePerformanceSchema(connection);
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

    static long connectionId(Connection connection) throws SQLException {
        return ((Number) Sql.row(connection, "SELECT CONNECTION_ID()", List.of(), WaitGuard.NONE)[0]).longValue();
    }

    /**
     * Server threads that are not client sessions, as {@code information_schema.PROCESSLIST} shows them: the event
     * scheduler and other daemons ({@code COMMAND = 'Daemon'}), replication threads (user {@code 'system user'} on the
     * replica; {@code Binlog Dump} threads serving replicas on the primary). The id is bound.
     */
    private static final String SERVER_THREAD = "SELECT USER, COMMAND FROM information_schema.PROCESSLIST"
            + " WHERE ID = ? AND (USER IN ('system user', 'event_scheduler') OR COMMAND IN ('Daemon', 'Binlog Dump',"
            + " 'Binlog Dump GTID', 'Slave_IO', 'Slave_SQL', 'Slave_worker', 'Register Slave'))";

    /**
     * {@code KILL QUERY ?} / {@code KILL CONNECTION ?} of a client session, the id bound:
     *
     * <ol>
     *   <li>The inspecting session itself: {@link LockUsageException}.
     *   <li>A server thread that is not a client session ({@link #SERVER_THREAD}): {@link LockUsageException}, nothing
     *       killed. A caller without the {@code PROCESS} privilege sees only its own threads in {@code PROCESSLIST};
     *       killing any other thread then needs {@code CONNECTION ADMIN}/{@code SUPER}, which the server checks.
     *   <li>Else {@code KILL}: false if the server has no such thread.
     * </ol>
     */
    boolean kill(Connection connection, long id, boolean terminate) throws SQLException {
        if (id <= 0) {
            return false;
        }
        String action = terminate ? "terminate" : "cancel";
        if (id == connectionId(connection)) {
            throw new LockUsageException(
                    "refusing to " + action + " session " + id + ": it is the session the inspector itself runs on",
                    null);
        }
        List<Object[]> server = Sql.rows(connection, SERVER_THREAD, List.of(id), WaitGuard.NONE);
        if (!server.isEmpty()) {
            throw new LockUsageException(
                    "refusing to " + action + " thread " + id + ": it is a server thread (user '" + server.get(0)[0]
                            + "', command '" + server.get(0)[1] + "'), not a client session; nothing was killed",
                    null,
                    engine,
                    null,
                    null);
        }
        String statement = terminate ? "KILL CONNECTION ?" : "KILL QUERY ?";
        try {
            Sql.execute(connection, statement, List.of(id), WaitGuard.NONE);
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1094) { // ER_NO_SUCH_THREAD
                return false;
            }
            if (e.getErrorCode() == 1095) { // ER_KILL_DENIED_ERROR
                throw new LockUsageException(
                        statement.replace("?", Long.toString(id))
                                + " was refused: killing another user's session needs the "
                                + (mariaDb ? "CONNECTION ADMIN" : "CONNECTION_ADMIN") + " (or SUPER) privilege."
                                + " Server said: " + e.getMessage(),
                        null,
                        engine,
                        null,
                        e);
            }
            throw e;
        }
    }

    /**
     * Saves and sets {@code lock_wait_timeout} (LOCK TABLES, metadata locks) and {@code innodb_lock_wait_timeout} (row
     * locks), in whole seconds rounded up.
     */
    List<String> setLockTimeouts(Connection connection, Wait wait) throws SQLException {
        long minimum = mariaDb ? 0 : 1; // MySQL accepts neither at 0
        long lockWait;
        long innodbWait;
        if (wait.isForever()) {
            lockWait = 31_536_000; // both servers' maximum: one year
            innodbWait = 1_073_741_824; // InnoDB's maximum
        } else {
            long seconds = Math.max(
                    minimum,
                    BigDecimal.valueOf(wait.limitOrNull().toNanos(), 9)
                            .setScale(0, java.math.RoundingMode.CEILING)
                            .longValueExact());
            if (seconds > 31_536_000) { // dblock checks this before calling; refused here before any statement too
                throw new IllegalArgumentException("lock_wait_timeout is at most 31536000 s (one year); a wait of "
                        + wait.limitOrNull() + " cannot be set");
            }
            lockWait = seconds;
            innodbWait = seconds; // InnoDB allows up to 1073741824 s
        }
        Object[] previous = Sql.row(
                connection,
                "SELECT @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout",
                List.of(),
                WaitGuard.NONE);
        Sql.execute(
                connection,
                "SET SESSION lock_wait_timeout = " + lockWait + ", innodb_lock_wait_timeout = " + innodbWait,
                WaitGuard.NONE);
        return List.of(previous[0].toString(), previous[1].toString());
    }

    void restoreLockTimeouts(Connection connection, List<String> previous) throws SQLException {
        long lockWait = Long.parseLong(previous.get(0));
        long innodbWait = Long.parseLong(previous.get(1)); // parsed: only numbers go into the statement
        Sql.execute(
                connection,
                "SET SESSION lock_wait_timeout = " + lockWait + ", innodb_lock_wait_timeout = " + innodbWait,
                WaitGuard.NONE);
    }

    private void requirePerformanceSchema(Connection connection) throws SQLException {
        if (listing.performanceSchema(connection) != MySqlLockListing.PerformanceSchema.READY) {
            throw new UnsupportedLockException(
                    engine + " does not expose its locks: start the server with --performance-schema=ON"
                            + " --performance-schema-instrument='wait/lock/metadata/sql/mdl=ON' (MySQL 8 has both"
                            + " on by default), and grant SELECT on performance_schema",
                    null);
        }
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
