package io.dblock.spi;

import io.dblock.LockKey;
import io.dblock.TableName;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Facet of a {@link LockEngine} that hands out fencing tokens from a table. Without it, {@code fenced()} locks and
 * {@code DbLocks.createFencingTable()} throw {@link io.dblock.UnsupportedLockException}.
 */
public interface Fencing {

    /**
     * Increments the fencing token of {@code key} in {@code table} and returns the new value (1 the first time), in one
     * committed step. Called on the auto-commit connection that has just been granted the exclusive session lock on
     * {@code key}, so increments of one key never race. The row is keyed by the server's identity of the lock, so keys
     * the server treats as one lock share one sequence.
     *
     * @throws SQLException if the statement fails, e.g. because the table does not exist
     */
    long nextFencingToken(Connection connection, TableName table, LockKey key) throws SQLException;

    /** Creates the fencing-token table if it does not exist. */
    void createFencingTable(Connection connection, TableName table) throws SQLException;

    /** The {@code CREATE TABLE} statement for the fencing-token table, for messages and documentation. */
    String fencingTableDdl(TableName table);
}
