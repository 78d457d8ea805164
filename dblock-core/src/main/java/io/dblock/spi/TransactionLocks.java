package io.dblock.spi;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Facet of a {@link LockEngine} whose advisory locks can be scoped to a transaction: released by {@code COMMIT} or
 * {@code ROLLBACK} ({@code pg_advisory_xact_lock}). Without it, {@code acquireForTransaction} throws {@link
 * io.dblock.UnsupportedLockException}.
 */
public interface TransactionLocks {

    /**
     * Acquires transaction-scoped locks in the connection's open transaction, all or nothing; on failure the
     * transaction is as usable as before.
     *
     * @return whether every key was granted within {@code wait}; false only where the server gave no error for it
     * @throws SQLException on any other failure; also when the server reported the timeout as an error ({@link
     *     LockEngine#classify} {@code TIMEOUT}: PostgreSQL {@code 55P03}, MySQL/MariaDB 1205), which the core reads as
     *     "not granted" and keeps as the cause of its {@code LockTimeoutException}
     */
    boolean acquireTransaction(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException;
}
