package io.dblock.spi;

import io.dblock.LockKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Facet: labelled waits, for finding deadlocks that run through several sessions of one holder (multiplexed session
 * locks: a thread's holds on shared connections, its wait on another). The engine writes {@link WaitGuard#label()} in a
 * comment in front of every statement that waits for a session lock, and reads the labelled waits back from the
 * server's view of running statements, with the session holding what each one waits for.
 *
 * <p>Read-only queries; the role needs to see other sessions' statements (PostgreSQL: the same role, or {@code
 * pg_read_all_stats}; MySQL/MariaDB: the same user, or {@code PROCESS}). Without that the labels are hidden and such
 * deadlocks end at the waits' own timeouts.
 */
public interface WaitLabels {

    /**
     * A short name of {@code key}'s server-side lock as {@code connection} would take it, the same on every node, of
     * {@code [0-9a-z.]} only: what {@link LabelledWait#waitedKey()} says for a wait for it. No round trip.
     */
    String keyToken(Connection connection, LockKey key) throws SQLException;

    /**
     * The labelled waits on the server now, one row per wait and session holding (in a conflicting mode) the key it
     * waits for; a wait that holds itself up is left out.
     */
    List<LabelledWait> labelledWaits(Connection connection) throws SQLException;

    /**
     * How long a wait must have lasted before a deadlock through it is looked for: the server's own deadlock delay
     * (PostgreSQL {@code deadlock_timeout}); MySQL/MariaDB, whose detector runs at once, 1 s.
     */
    Duration deadlockDelay(Connection connection) throws SQLException;

    /**
     * One labelled wait and one session that holds it up.
     *
     * @param waiter the waiting session's id
     * @param label the label of its statement (without the comment markers)
     * @param waitedKey the {@link #keyToken} of the key it waits for
     * @param holder the id of a session holding that key in a conflicting mode
     */
    record LabelledWait(long waiter, String label, String waitedKey, long holder) {}
}
