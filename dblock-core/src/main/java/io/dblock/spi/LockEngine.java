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
}
