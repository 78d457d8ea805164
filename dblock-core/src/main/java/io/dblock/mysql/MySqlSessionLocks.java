package io.dblock.mysql;

import io.dblock.spi.Deadline;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Session acquisition of named locks, all or nothing:
 *
 * <ol>
 *   <li>One {@code SELECT CONNECTION_ID(), GET_LOCK(name, t), ...}: for one key {@code t} is the whole wait (server-side);
 *       for several keys {@code t = 0}, so the uncontended path is one round trip.
 *   <li>Several keys, some busy, and a wait allowed: the keys from the first busy one on (canonical order) are given
 *       back, then acquired one by one, each waiting on the server for what is left of the deadline; on failure every
 *       key taken is released.
 * </ol>
 */
final class MySqlSessionLocks {

    private final MySqlUserLocks userLocks;

    MySqlSessionLocks(MySqlUserLocks userLocks) {
        this.userLocks = userLocks;
    }

    /** Acquires the server-side lock {@code names} (of {@link LockNames}); the connection's id if all were granted. */
    OptionalLong acquire(Connection connection, List<String> names, Wait wait, WaitGuard guard) throws SQLException {
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
        return acquireRest(connection, names, row, firstBusy, Deadline.of(wait, start), guard)
                ? OptionalLong.of(id)
                : OptionalLong.empty();
    }

    /**
     * After the first, non-waiting {@code GET_LOCK}s found {@code names[firstBusy]} busy: keeps the names before it,
     * gives back the ones after it, and waits for the rest one by one. On failure releases every name held.
     */
    private boolean acquireRest(
            Connection connection, List<String> names, Object[] row, int firstBusy, Deadline deadline, WaitGuard guard)
            throws SQLException {
        List<String> held = new ArrayList<>(names.subList(0, firstBusy));
        List<String> later = MySqlUserLocks.taken(row, names).stream()
                .filter(n -> !held.contains(n))
                .toList();
        // keep canonical order: never hold a later key while waiting for an earlier one
        MySqlUserLocks.release(connection, later);
        try {
            return acquireEach(connection, names.subList(firstBusy, names.size()), held, deadline, guard);
        } catch (SQLException | RuntimeException e) {
            try {
                MySqlUserLocks.release(connection, held);
            } catch (SQLException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Acquires {@code names} one by one, each waiting for what is left of {@code deadline}, adding each to {@code held};
     * at the first one not granted, releases {@code held} and returns false.
     */
    private boolean acquireEach(
            Connection connection, List<String> names, List<String> held, Deadline deadline, WaitGuard guard)
            throws SQLException {
        for (String name : names) {
            Object[] one = userLocks.getLocks(connection, List.of(name), deadline.remaining(), guard);
            if (MySqlUserLocks.firstBusy(one, List.of(name)) >= 0) {
                MySqlUserLocks.release(connection, held);
                return false;
            }
            held.add(name);
        }
        return true;
    }
}
