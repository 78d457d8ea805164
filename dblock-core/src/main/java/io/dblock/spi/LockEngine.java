package io.dblock.spi;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.TableLockRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The database-specific half of dblock: the SQL for each lock operation on one kind of server.
 *
 * <p>dblock's core does everything else (re-entrancy, local queueing, pinning connections, interrupts, exceptions).
 * Engines are stateless and thread-safe; every method works on the connection it is given and must leave it in the
 * state it found it (no lock held after a failure, settings restored, the caller's transaction usable).
 *
 * <p>Keys and table requests arrive validated, without duplicates and in canonical order.
 */
public interface LockEngine {

    /** Display name, e.g. {@code "PostgreSQL"}. */
    String name();

    /** The server's version as reported by the driver. */
    String serverVersion();

    /**
     * The longest lock wait this engine can set on the server. dblock refuses longer waits with an {@link
     * IllegalArgumentException} before running any statement (it never shortens a wait silently); {@code
     * waitForever()} is the way to wait without limit. Default: {@code Duration.ofNanos(Long.MAX_VALUE)}, about 292
     * years.
     */
    default java.time.Duration longestWait() {
        return java.time.Duration.ofNanos(Long.MAX_VALUE);
    }

    /**
     * Throws {@link io.dblock.UnsupportedLockException} (saying what to use instead) if this engine cannot take locks
     * of {@code mode} in the given scope.
     */
    void checkSupported(AdvisoryLockMode mode, boolean transactionScoped);

    /**
     * Acquires session-scoped locks on all {@code keys}, all or nothing.
     *
     * @return the connection's server id if every key was granted; empty if not granted within {@code wait} (nothing
     *     held then)
     * @throws SQLException on any other failure, after releasing whatever this call acquired
     */
    OptionalLong acquireSession(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException;

    /**
     * Releases one session-level hold of each key in one statement.
     *
     * @return the keys the server says were not held (lost), empty normally
     */
    List<LockKey> releaseSession(Connection connection, List<LockKey> keys, AdvisoryLockMode mode) throws SQLException;

    /**
     * Increments the fencing token of {@code key} in {@code table} and returns the new value (1 the first time), in one
     * committed step. Called on the auto-commit connection that has just been granted the exclusive session lock on
     * {@code key}, so increments of one key never race. The row is keyed by the server's identity of the lock, so keys
     * the server treats as one lock share one sequence.
     *
     * @throws SQLException if the statement fails, e.g. because the table does not exist
     */
    default long nextFencingToken(Connection connection, io.dblock.TableName table, LockKey key) throws SQLException {
        throw new io.dblock.UnsupportedLockException(name() + " engine has no fencing tokens", key.toString());
    }

    /** Creates the fencing-token table if it does not exist. */
    default void createFencingTable(Connection connection, io.dblock.TableName table) throws SQLException {
        throw new io.dblock.UnsupportedLockException(name() + " engine has no fencing tokens", table.toString());
    }

    /** The {@code CREATE TABLE} statement for the fencing-token table, for messages and documentation. */
    default String fencingTableDdl(io.dblock.TableName table) {
        throw new io.dblock.UnsupportedLockException(name() + " engine has no fencing tokens", table.toString());
    }

    /**
     * Releases as {@link #releaseSession}, and reports which server session ran the statement, so that dblock can tell
     * a lock that was lost from a connection that is not one session (a pooler such as PgBouncer in transaction mode
     * between dblock and the server). Engines that cannot tell in the same statement keep this default.
     */
    default Release releaseSessionReporting(Connection connection, List<LockKey> keys, AdvisoryLockMode mode)
            throws SQLException {
        return new Release(releaseSession(connection, keys, mode), OptionalLong.empty());
    }

    /**
     * What a release found.
     *
     * @param notHeld the keys the server says were not held
     * @param ranOn the server id of the session that ran the release, if the engine reports it
     */
    record Release(List<LockKey> notHeld, OptionalLong ranOn) {}

    /** Releases every session-level lock of the connection (PostgreSQL {@code pg_advisory_unlock_all()}). */
    void releaseAllSession(Connection connection) throws SQLException;

    /**
     * Acquires transaction-scoped locks in the connection's open transaction, all or nothing; on failure the
     * transaction is as usable as before.
     *
     * @return whether every key was granted within {@code wait}
     */
    boolean acquireTransaction(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException;

    /**
     * Locks tables in the connection's open transaction, all or nothing; on failure the transaction is as usable as
     * before.
     *
     * @return whether every table was locked within {@code wait}
     */
    boolean lockTables(Connection connection, List<TableLockRequest> requests, Wait wait, WaitGuard guard)
            throws SQLException;

    /**
     * Validates a table request before any SQL runs (for example identifier length).
     *
     * @throws IllegalArgumentException if the engine cannot lock such a table name
     */
    void validate(TableLockRequest request);

    /**
     * Ends the table locks of a transaction that has committed or rolled back. PostgreSQL: nothing to do (they end
     * with the transaction); MySQL: {@code UNLOCK TABLES}.
     */
    default void unlockTables(Connection connection) throws SQLException {}

    /**
     * Lists the named locks held on the server whose names start with {@code prefix}, without the engine's own name
     * prefix.
     *
     * @throws io.dblock.UnsupportedLockException if the engine's locks have no names (PostgreSQL keys are numbers)
     */
    List<io.dblock.NamedLockHolder> namesHeldWithPrefix(Connection connection, String prefix) throws SQLException;

    /** The server ids of the connections that hold any of {@code keys} in any mode, granted only. */
    Set<Long> holders(Connection connection, List<LockKey> keys) throws SQLException;

    /** What {@code e} means. */
    Failure classify(SQLException e);

    /**
     * Reads the server's table and advisory locks, wait-for edges and the sessions involved, for {@link
     * io.dblock.inspect.LockInspector}.
     *
     * @throws io.dblock.UnsupportedLockException if this engine cannot (the default), saying what would make it able
     */
    default InspectionSnapshot inspect(Connection connection) throws SQLException {
        throw new io.dblock.UnsupportedLockException(name() + " engine cannot list locks", null);
    }

    /**
     * The connection ids of the sessions that {@code waiterId} waits for right now (empty if it does not wait). The
     * default derives them from {@link #inspect(Connection)}.
     */
    default Set<Long> blockers(Connection connection, long waiterId) throws SQLException {
        Set<Long> blockers = new java.util.TreeSet<>();
        for (InspectionSnapshot.Edge edge : inspect(connection).waits()) {
            if (edge.waiter() == waiterId) {
                blockers.add(edge.blocker());
            }
        }
        return blockers;
    }

    /**
     * Describes the given sessions (those that no longer exist are left out).
     *
     * @throws io.dblock.UnsupportedLockException if this engine cannot (the default)
     */
    default java.util.Map<Long, io.dblock.inspect.SessionInfo> sessions(Connection connection, Set<Long> connectionIds)
            throws SQLException {
        throw new io.dblock.UnsupportedLockException(name() + " engine cannot describe sessions", null);
    }

    /** The server's id for {@code connection}'s session (PostgreSQL backend pid, MySQL connection id). */
    default long connectionId(Connection connection) throws SQLException {
        throw new io.dblock.UnsupportedLockException(name() + " engine cannot tell connection ids", null);
    }

    /**
     * Cancels the running statement of another session.
     *
     * @return true if the server accepted it, false if there is no such session
     */
    default boolean cancel(Connection connection, long connectionId) throws SQLException {
        throw new io.dblock.UnsupportedLockException(name() + " engine cannot cancel sessions", null);
    }

    /**
     * Ends another session, releasing its locks.
     *
     * @return true if the server accepted it, false if there is no such session
     */
    default boolean terminate(Connection connection, long connectionId) throws SQLException {
        throw new io.dblock.UnsupportedLockException(name() + " engine cannot terminate sessions", null);
    }

    /**
     * Sets the session's lock wait limits to {@code timeout} and returns what they were, in a form {@link
     * #restoreLockTimeouts} takes back. PostgreSQL: {@code lock_timeout}; MySQL/MariaDB: {@code lock_wait_timeout} and
     * {@code innodb_lock_wait_timeout}.
     *
     * @param wait the limit; {@link Wait#FOREVER} for the engine's "no limit", {@link Wait#NONE} for its smallest limit
     */
    default List<String> setLockTimeouts(Connection connection, Wait wait) throws SQLException {
        throw new io.dblock.UnsupportedLockException(name() + " engine cannot scope lock timeouts", null);
    }

    /** Puts back the values {@link #setLockTimeouts} returned. */
    default void restoreLockTimeouts(Connection connection, List<String> previous) throws SQLException {
        throw new io.dblock.UnsupportedLockException(name() + " engine cannot scope lock timeouts", null);
    }
}
