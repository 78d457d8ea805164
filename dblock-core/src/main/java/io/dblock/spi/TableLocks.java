package io.dblock.spi;

import io.dblock.TableLockRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Facet of a {@link LockEngine} that locks tables in a transaction ({@code LOCK TABLE} / {@code LOCK TABLES}). Without
 * it, {@code DbLocks.tables(...)} throws {@link io.dblock.UnsupportedLockException}.
 */
public interface TableLocks {

    /**
     * Validates a table request before any SQL runs (for example identifier length).
     *
     * @throws IllegalArgumentException if the engine cannot lock such a table name
     */
    void validate(TableLockRequest request);

    /**
     * Locks tables in the connection's open transaction, all or nothing; on failure the transaction is as usable as
     * before.
     *
     * @return whether every table was locked within {@code wait}; false only where the server gave no error for it
     * @throws SQLException on any other failure; also when the server reported the timeout as an error ({@link
     *     LockEngine#classify} {@code TIMEOUT}: PostgreSQL {@code 55P03}, MySQL/MariaDB 1205), which the core reads as
     *     "not granted" and keeps as the cause of its {@code LockTimeoutException}
     */
    boolean lockTables(Connection connection, List<TableLockRequest> requests, Wait wait, WaitGuard guard)
            throws SQLException;

    /**
     * Ends the table locks of a transaction that has committed or rolled back. PostgreSQL: nothing to do (they end
     * with the transaction); MySQL: {@code UNLOCK TABLES}.
     */
    default void unlockTables(Connection connection) throws SQLException {}
}
