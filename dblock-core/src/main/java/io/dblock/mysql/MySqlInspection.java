package io.dblock.mysql;

import io.dblock.LockKey;
import io.dblock.LockUsageException;
import io.dblock.TableName;
import io.dblock.UnsupportedLockException;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.SessionState;
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
 * with {@code KILL}, scoped {@code lock_wait_timeout}/{@code innodb_lock_wait_timeout}.
 */
final class MySqlInspection {

    /** Columns describing the session of {@code performance_schema.threads} alias {@code t}. */
    private static final String SESSION_COLUMNS = "t.PROCESSLIST_ID, t.PROCESSLIST_USER,"
            + " (SELECT a.ATTR_VALUE FROM performance_schema.session_connect_attrs a"
            + " WHERE a.PROCESSLIST_ID = t.PROCESSLIST_ID AND a.ATTR_NAME = 'program_name' LIMIT 1),"
            + " t.PROCESSLIST_COMMAND, t.PROCESSLIST_TIME, %s, LEFT(t.PROCESSLIST_INFO, "
            + (SessionInfo.MAX_QUERY_CHARS + 1)
            + ")";

    private static final int SESSION_COLUMN_COUNT = 7;

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
        String sql = "SELECT m.OBJECT_TYPE, m.OBJECT_SCHEMA, m.OBJECT_NAME, m.LOCK_TYPE, m.LOCK_STATUS, "
                + sessionColumns() + ", UNIX_TIMESTAMP(NOW(6))"
                + " FROM performance_schema.metadata_locks m"
                + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
                + " WHERE t.PROCESSLIST_ID IS NOT NULL AND ((m.OBJECT_TYPE = 'USER LEVEL LOCK' AND m.OBJECT_NAME LIKE ?"
                + " ESCAPE '!') OR (m.OBJECT_TYPE = 'TABLE' AND m.OBJECT_SCHEMA = DATABASE()))"
                + " ORDER BY m.LOCK_STATUS <> 'GRANTED', t.PROCESSLIST_ID, m.OBJECT_TYPE, m.OBJECT_SCHEMA, m.OBJECT_NAME";
        List<Object[]> rows;
        try {
            rows = Sql.rows(connection, sql, List.of(MySqlLockListing.escape(database + ".") + "%"), WaitGuard.NONE);
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
                ? now(connection)
                : seconds(rows.get(0)[5 + SESSION_COLUMN_COUNT]).orElseThrow();
        Set<Long> holdingTables = rows.isEmpty() ? Set.of() : tableLockHolders(connection);
        List<Row> parsed = new ArrayList<>();
        for (Object[] row : rows) {
            SessionInfo session = session(row, 5, at, holdingTables);
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
                        tableMode(lockType),
                        granted,
                        since,
                        waited,
                        session);
            } else {
                Optional<LockKey> key = LockNames.decode(database, (String) row[2]);
                if (key.isEmpty()) {
                    continue;
                }
                info = new LockInfo(
                        LockInfo.Kind.ADVISORY, Optional.empty(), key, "EXCLUSIVE", granted, since, waited, session);
            }
            parsed.add(new Row(objectType + "\u0000" + row[1] + "\u0000" + row[2], lockType, info));
        }
        List<LockInfo> locks = new ArrayList<>();
        List<InspectionSnapshot.Edge> edges = new ArrayList<>();
        Map<Long, SessionInfo> sessions = new HashMap<>();
        for (Row waiting : parsed) {
            locks.add(waiting.info);
            if (waiting.info.granted()) {
                continue;
            }
            for (Row holder : parsed) {
                if (holder.info.granted()
                        && holder.object.equals(waiting.object)
                        && holder.info.connectionId() != waiting.info.connectionId()
                        && conflicts(waiting.lockType, holder.lockType)
                        && edges.stream()
                                .noneMatch(e -> e.waiter() == waiting.info.connectionId()
                                        && e.blocker() == holder.info.connectionId())) {
                    edges.add(new InspectionSnapshot.Edge(waiting.info.connectionId(), holder.info.connectionId()));
                    sessions.put(waiting.info.connectionId(), waiting.info.session());
                    sessions.put(holder.info.connectionId(), holder.info.session());
                }
            }
        }
        // Queue order: a pending request that no granted lock conflicts with waits behind a conflicting request queued
        // before it (MDL serves a pending stronger request first: a SELECT behind a pending LOCK TABLES ... WRITE).
        for (Row waiting : parsed) {
            long waiter = waiting.info.connectionId();
            if (waiting.info.granted() || edges.stream().anyMatch(e -> e.waiter() == waiter)) {
                continue;
            }
            for (Row queued : parsed) {
                if (!queued.info.granted()
                        && queued.object.equals(waiting.object)
                        && queued.info.connectionId() != waiter
                        && conflicts(waiting.lockType, queued.lockType)
                        && edges.stream()
                                .noneMatch(e -> e.waiter() == waiter && e.blocker() == queued.info.connectionId())) {
                    edges.add(new InspectionSnapshot.Edge(waiter, queued.info.connectionId()));
                    sessions.put(waiter, waiting.info.session());
                    sessions.put(queued.info.connectionId(), queued.info.session());
                }
            }
        }
        edges.sort((a, b) -> a.waiter() != b.waiter()
                ? Long.compare(a.waiter(), b.waiter())
                : Long.compare(a.blocker(), b.blocker()));
        return new InspectionSnapshot(at, locks, edges, sessions);
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
        String sql = "SELECT " + sessionColumns() + ", UNIX_TIMESTAMP(NOW(6)) FROM performance_schema.threads t"
                + " WHERE t.PROCESSLIST_ID IN (" + in + ")";
        Set<Long> holdingTables = tableLockHolders(connection);
        for (Object[] row : Sql.rows(connection, sql, List.of(), WaitGuard.NONE)) {
            Instant at = seconds(row[SESSION_COLUMN_COUNT]).orElseThrow();
            SessionInfo session = session(row, 0, at, holdingTables);
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

    private String sessionColumns() {
        return SESSION_COLUMNS.formatted(transactionsVisible ? TRX_START : "NULL");
    }

    private static Set<Long> tableLockHolders(Connection connection) throws SQLException {
        Set<Long> ids = new java.util.HashSet<>();
        for (Object[] row : Sql.rows(connection, TABLE_LOCK_HOLDERS, List.of(), WaitGuard.NONE)) {
            ids.add(((Number) row[0]).longValue());
        }
        return ids;
    }

    private static SessionInfo session(Object[] row, int from, Instant at, Set<Long> holdingTables) {
        long id = ((Number) row[from]).longValue();
        String command = (String) row[from + 3];
        Optional<Instant> transactionStart = seconds(row[from + 5]);
        SessionState state;
        boolean holdsTableLocks = holdingTables.contains(id);
        if ("Sleep".equals(command)) {
            state = transactionStart.isPresent() || holdsTableLocks
                    ? SessionState.IDLE_IN_TRANSACTION
                    : SessionState.IDLE;
        } else if ("Query".equals(command) || "Execute".equals(command)) {
            state = SessionState.ACTIVE;
        } else {
            state = SessionState.OTHER;
        }
        Optional<Instant> stateSince =
                Optional.ofNullable((Number) row[from + 4]).map(secondsAgo -> at.minusSeconds(secondsAgo.longValue()));
        return new SessionInfo(
                id,
                Optional.ofNullable((String) row[from + 1]),
                Optional.ofNullable((String) row[from + 2]).filter(s -> !s.isEmpty()),
                state,
                stateSince,
                transactionStart,
                Optional.ofNullable((String) row[from + 6]).filter(s -> !s.isEmpty()));
    }

    private static String tableMode(String lockType) {
        return switch (lockType) {
            case "SHARED_READ_ONLY" -> "READ";
            case "SHARED_NO_READ_WRITE" -> "WRITE";
            default -> lockType;
        };
    }

    private static final List<String> TYPES = List.of(
            "SHARED",
            "SHARED_HIGH_PRIO",
            "SHARED_READ",
            "SHARED_WRITE",
            "SHARED_WRITE_LOW_PRIO",
            "SHARED_UPGRADABLE",
            "SHARED_READ_ONLY",
            "SHARED_NO_WRITE",
            "SHARED_NO_READ_WRITE",
            "EXCLUSIVE");

    /**
     * The server's metadata-lock compatibility of a request with a granted lock (mdl.cc, granted-incompatibility
     * matrix); rows are requests, columns granted types, in {@link #TYPES} order, {@code '-'} = conflict.
     */
    private static final String[] MATRIX = {
        "+++++++++-", // S
        "+++++++++-", // SH
        "++++++++--", // SR
        "++++++----", // SW
        "++++++----", // SWLP
        "+++++-+---", // SU
        "+++--+++--", // SRO
        "+++---+---", // SNW
        "++--------", // SNRW
        "----------", // X
    };

    static boolean conflicts(String requested, String granted) {
        int r = TYPES.indexOf(requested);
        int g = TYPES.indexOf(granted);
        if (r < 0 || g < 0) {
            return true; // a type this table does not know: assume it blocks
        }
        return MATRIX[r].charAt(g) == '-';
    }

    private static Instant now(Connection connection) throws SQLException {
        return seconds(Sql.row(connection, "SELECT UNIX_TIMESTAMP(NOW(6))", List.of(), WaitGuard.NONE)[0])
                .orElseThrow();
    }

    private static Optional<Instant> seconds(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        BigDecimal seconds = new BigDecimal(value.toString());
        long whole = seconds.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        long nanos =
                seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Optional.of(Instant.ofEpochSecond(whole, nanos));
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
