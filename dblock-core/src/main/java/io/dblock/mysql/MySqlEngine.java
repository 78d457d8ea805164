package io.dblock.mysql;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.spi.AbstractLockEngine;
import io.dblock.spi.Failure;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * MySQL 8 and MariaDB: named locks through {@code GET_LOCK}/{@code RELEASE_LOCK}/{@code IS_USED_LOCK} (acquisition is
 * {@link MySqlSessionLocks}, the statements {@link MySqlUserLocks}), table locks through {@code LOCK TABLES} (see
 * {@link MySqlTableLocks}).
 *
 * <p>The facets are parts ({@link #facet(Class)}): table locks ({@link MySqlTableLocks}), fencing tokens ({@link MySqlFencing}), the
 * inspector's reads ({@link MySqlInspection}), {@code KILL} ({@link MySqlSessionControl}), the session's settings
 * ({@link MySqlSessionSettings}) and the listing of held names ({@link MySqlLockListing}).
 *
 * <p>Timeouts: MariaDB takes fractional seconds (microseconds); MySQL whole seconds, so a wait is rounded up. "Forever"
 * is a negative timeout on MySQL; MariaDB rejects those, so it waits a year at a time until granted. {@code GET_LOCK}
 * returning NULL (MariaDB's answer to {@code KILL QUERY}) is reported as a cancellation.
 */
final class MySqlEngine extends AbstractLockEngine {

    /**
     * One year, the longest wait dblock sets on MySQL/MariaDB (their lock wait settings stop at 31536000 s): MariaDB's
     * {@code GET_LOCK} has no "forever", so it waits this long, repeatedly; table locks wait this long for "forever".
     */
    static final Duration LONGEST_WAIT = Duration.ofDays(365);

    private final MySqlSessionLocks sessionLocks;

    MySqlEngine(boolean mariaDb, String version) {
        this(mariaDb ? "MariaDB" : "MySQL", mariaDb, version);
    }

    private MySqlEngine(String name, boolean mariaDb, String version) {
        super(
                name,
                version,
                new MySqlTableLocks(mariaDb),
                new MySqlFencing(),
                new MySqlInspection(name),
                new MySqlSessionControl(name, mariaDb),
                new MySqlSessionSettings(mariaDb),
                new MySqlLockListing(name),
                new MySqlPoolerDetection(),
                new MySqlServerStatus(),
                new MySqlWaitLabels());
        this.sessionLocks = new MySqlSessionLocks(new MySqlUserLocks(mariaDb));
    }

    /**
     * One year, 31536000 s: the maximum of {@code lock_wait_timeout} (table locks, lock-timeout scopes) on both
     * servers, and the "forever" dblock gives MariaDB's {@code GET_LOCK}; user-lock waits are held to the same limit.
     */
    @Override
    public Duration longestWait() {
        return LONGEST_WAIT;
    }

    /** {@code GET_LOCK} is always exclusive. */
    @Override
    public Set<AdvisoryLockMode> modes() {
        return EnumSet.of(AdvisoryLockMode.EXCLUSIVE);
    }

    @Override
    public OptionalLong acquireSession(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException {
        return sessionLocks.acquire(connection, LockNames.names(connection, keys), wait, guard);
    }

    @Override
    public Release releaseSession(Connection connection, List<LockKey> keys, AdvisoryLockMode mode)
            throws SQLException {
        List<Boolean> released = MySqlUserLocks.release(connection, LockNames.names(connection, keys));
        List<LockKey> notHeld = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!released.get(i)) {
                notHeld.add(keys.get(i));
            }
        }
        return new Release(notHeld, OptionalLong.empty());
    }

    @Override
    public void releaseAllSession(Connection connection) throws SQLException {
        Sql.row(connection, "SELECT RELEASE_ALL_LOCKS()", List.of(), WaitGuard.NONE);
    }

    @Override
    public Set<Long> holders(Connection connection, List<LockKey> keys) throws SQLException {
        return MySqlUserLocks.holders(connection, LockNames.names(connection, keys));
    }

    @Override
    public long connectionId(Connection connection) throws SQLException {
        return MySqlSessionControl.connectionId(connection);
    }

    @Override
    public Failure classify(SQLException e) {
        return MySqlErrors.classify(e);
    }
}
