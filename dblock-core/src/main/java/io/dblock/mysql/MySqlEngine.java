package io.dblock.mysql;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.NamedLockHolder;
import io.dblock.TableLockRequest;
import io.dblock.inspect.SessionInfo;
import io.dblock.spi.Failure;
import io.dblock.spi.InspectionSnapshot;
import io.dblock.spi.LockEngine;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * MySQL 8 and MariaDB: named locks through {@code GET_LOCK}/{@code RELEASE_LOCK}/{@code IS_USED_LOCK} (the statements
 * are {@link MySqlUserLocks}), table locks through {@code LOCK TABLES} (see {@link MySqlTableLocks}).
 *
 * <p>Session acquisition:
 *
 * <ol>
 *   <li>One {@code SELECT CONNECTION_ID(), GET_LOCK(name, t), ...}: for one key {@code t} is the whole wait (server-side);
 *       for several keys {@code t = 0}, so the uncontended path is one round trip.
 *   <li>Several keys, some busy, and a wait allowed: the keys from the first busy one on (canonical order) are given
 *       back, then acquired one by one, each waiting on the server for what is left of the deadline; on failure every
 *       key taken is released.
 * </ol>
 *
 * Timeouts: MariaDB takes fractional seconds (microseconds); MySQL whole seconds, so a wait is rounded up. "Forever"
 * is a negative timeout on MySQL; MariaDB rejects those, so it waits a year at a time until granted. {@code GET_LOCK}
 * returning NULL (MariaDB's answer to {@code KILL QUERY}) is reported as a cancellation.
 */
final class MySqlEngine
        implements LockEngine,
                io.dblock.spi.TableLocks,
                io.dblock.spi.Fencing,
                io.dblock.spi.Inspection,
                io.dblock.spi.Prioritising,
                io.dblock.spi.SessionControl,
                io.dblock.spi.LockTimeouts,
                io.dblock.spi.LockNameListing,
                io.dblock.spi.SessionLimits {

    /**
     * One year, the longest wait dblock sets on MySQL/MariaDB (their lock wait settings stop at 31536000 s): MariaDB's
     * {@code GET_LOCK} has no "forever", so it waits this long, repeatedly; table locks wait this long for "forever".
     */
    static final java.time.Duration LONGEST_WAIT = java.time.Duration.ofDays(365);

    private final boolean mariaDb;
    private final String version;
    private final MySqlTableLocks tables;
    private final MySqlLockListing listing;
    private final MySqlInspection inspection;
    private final MySqlUserLocks userLocks;

    MySqlEngine(boolean mariaDb, String version) {
        this.mariaDb = mariaDb;
        this.version = version;
        this.tables = new MySqlTableLocks(mariaDb);
        this.listing = new MySqlLockListing(name());
        this.inspection = new MySqlInspection(name(), listing, mariaDb);
        this.userLocks = new MySqlUserLocks(mariaDb);
    }

    @Override
    public String name() {
        return mariaDb ? "MariaDB" : "MySQL";
    }

    /**
     * One year, 31536000 s: the maximum of {@code lock_wait_timeout} (table locks, lock-timeout scopes) on both
     * servers, and the "forever" dblock gives MariaDB's {@code GET_LOCK}; user-lock waits are held to the same limit.
     */
    @Override
    public java.time.Duration longestWait() {
        return LONGEST_WAIT;
    }

    @Override
    public String serverVersion() {
        return version;
    }

    /** {@code GET_LOCK} is always exclusive. */
    @Override
    public Set<AdvisoryLockMode> modes() {
        return java.util.EnumSet.of(AdvisoryLockMode.EXCLUSIVE);
    }

    @Override
    public OptionalLong acquireSession(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException {
        String database = LockNames.database(connection);
        List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(LockNames.name(database, k)));
        long start = System.nanoTime();
        Wait first = names.size() == 1 ? wait : Wait.NONE;
        Object[] row = userLocks.getLocks(connection, names, first, guard);
        long id = ((Number) row[0]).longValue();
        int firstBusy = MySqlUserLocks.firstBusy(row, names);
        if (firstBusy < 0) {
            return OptionalLong.of(id);
        }
        if (names.size() == 1 || wait.isNone()) {
            MySqlUserLocks.release(connection, MySqlUserLocks.taken(row, names));
            return OptionalLong.empty();
        }
        return acquireRest(connection, names, row, firstBusy, wait, start, guard)
                ? OptionalLong.of(id)
                : OptionalLong.empty();
    }

    private boolean acquireRest(
            Connection connection,
            List<String> names,
            Object[] row,
            int firstBusy,
            Wait wait,
            long start,
            WaitGuard guard)
            throws SQLException {
        List<String> held = new ArrayList<>(names.subList(0, firstBusy));
        List<String> later = MySqlUserLocks.taken(row, names).stream()
                .filter(n -> !held.contains(n))
                .toList();
        // keep canonical order: never hold a later key while waiting for an earlier one
        MySqlUserLocks.release(connection, later);
        try {
            for (String name : names.subList(firstBusy, names.size())) {
                Object[] one = userLocks.getLocks(
                        connection,
                        List.of(name),
                        io.dblock.spi.Deadline.of(wait, start).remaining(),
                        guard);
                if (MySqlUserLocks.firstBusy(one, List.of(name)) >= 0) {
                    MySqlUserLocks.release(connection, held);
                    return false;
                }
                held.add(name);
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            try {
                MySqlUserLocks.release(connection, held);
            } catch (SQLException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    @Override
    public Release releaseSession(Connection connection, List<LockKey> keys, AdvisoryLockMode mode)
            throws SQLException {
        String database = LockNames.database(connection);
        List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(LockNames.name(database, k)));
        List<Boolean> released = MySqlUserLocks.release(connection, names);
        List<LockKey> notHeld = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!released.get(i)) {
                notHeld.add(keys.get(i));
            }
        }
        return new Release(notHeld, java.util.OptionalLong.empty());
    }

    @Override
    public long nextFencingToken(Connection connection, io.dblock.TableName table, LockKey key) throws SQLException {
        return fencing.next(connection, table, key);
    }

    private final MySqlFencing fencing = new MySqlFencing();

    @Override
    public void createFencingTable(Connection connection, io.dblock.TableName table) throws SQLException {
        MySqlFencing.create(connection, table);
    }

    @Override
    public String fencingTableDdl(io.dblock.TableName table) {
        return MySqlFencing.ddl(table);
    }

    @Override
    public void releaseAllSession(Connection connection) throws SQLException {
        Sql.row(connection, "SELECT RELEASE_ALL_LOCKS()", List.of(), WaitGuard.NONE);
    }

    @Override
    public boolean lockTables(Connection connection, List<TableLockRequest> requests, Wait wait, WaitGuard guard)
            throws SQLException {
        return tables.lock(connection, requests, wait, guard);
    }

    @Override
    public void unlockTables(Connection connection) throws SQLException {
        tables.unlock(connection);
    }

    @Override
    public void validate(TableLockRequest request) {
        tables.validate(request);
    }

    @Override
    public List<NamedLockHolder> namesHeldWithPrefix(Connection connection, String prefix) throws SQLException {
        return listing.namesHeldWithPrefix(connection, LockNames.database(connection), prefix);
    }

    /** The session's {@code wait_timeout}, in seconds. */
    @Override
    public java.util.Optional<java.time.Duration> idleLimit(Connection connection) throws SQLException {
        long seconds = ((Number) Sql.row(connection, "SELECT @@SESSION.wait_timeout", List.of(), WaitGuard.NONE)[0])
                .longValue();
        return seconds > 0 ? java.util.Optional.of(java.time.Duration.ofSeconds(seconds)) : java.util.Optional.empty();
    }

    @Override
    public Set<Long> holders(Connection connection, List<LockKey> keys) throws SQLException {
        String database = LockNames.database(connection);
        List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(LockNames.name(database, k)));
        return MySqlUserLocks.holders(connection, names);
    }

    @Override
    public Failure classify(SQLException e) {
        return MySqlErrors.classify(e);
    }

    @Override
    public InspectionSnapshot inspect(Connection connection) throws SQLException {
        return inspection.inspect(connection);
    }

    /** From a full {@link #inspect} snapshot: MySQL/MariaDB have no cheaper question. */
    @Override
    public Set<Long> blockers(Connection connection, long waiterId) throws SQLException {
        return inspect(connection).blockersOf(waiterId);
    }

    @Override
    public Map<Long, SessionInfo> sessions(Connection connection, Set<Long> connectionIds) throws SQLException {
        return inspection.sessions(connection, connectionIds);
    }

    @Override
    public long connectionId(Connection connection) throws SQLException {
        return MySqlInspection.connectionId(connection);
    }

    @Override
    public boolean cancel(Connection connection, long connectionId) throws SQLException {
        return inspection.kill(connection, connectionId, false);
    }

    @Override
    public boolean terminate(Connection connection, long connectionId) throws SQLException {
        return inspection.kill(connection, connectionId, true);
    }

    @Override
    public List<String> setLockTimeouts(Connection connection, Wait wait) throws SQLException {
        return inspection.setLockTimeouts(connection, wait);
    }

    @Override
    public void restoreLockTimeouts(Connection connection, List<String> previous) throws SQLException {
        inspection.restoreLockTimeouts(connection, previous);
    }
}
