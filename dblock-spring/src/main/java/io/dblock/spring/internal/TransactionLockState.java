package io.dblock.spring.internal;

import io.dblock.AdvisoryLock;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockLostException;
import io.dblock.LockUsageException;
import io.dblock.TableLock;
import io.dblock.spring.TransactionalLocks;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The locks one transaction holds that its commit or rollback does not end by itself, released in {@link
 * #afterCompletion(int)}.
 *
 * <ol>
 *   <li>MySQL/MariaDB named locks: taken as session locks on the transaction's own connection, through a {@link DbLocks}
 *       over that one connection ({@link TransactionConnectionSource}), so dblock's re-entrancy, timeouts, interrupts
 *       and error translation all apply.
 *   <li>Table locks: {@link TableLock#release(Connection)} after completion ({@code UNLOCK TABLES} on MySQL/MariaDB,
 *       nothing on PostgreSQL).
 *   <li>After completion, on the transaction's thread and before the transaction manager gives the connection back to
 *       its pool: release the named locks (newest first), then the tables. If a release fails, close the physical
 *       connection so that the server ends the session and every lock with it.
 * </ol>
 *
 * <p>Found again by {@link #of} among the current transaction's synchronizations, so a suspended transaction's state
 * stays with it. Confined to the transaction's thread.
 */
public final class TransactionLockState implements TransactionSynchronization {

    private static final System.Logger LOG = System.getLogger(TransactionLockState.class.getName());

    private final TransactionalLocks owner;
    private final Connection connection;
    private final Deque<LockHandle> handles = new ArrayDeque<>();
    private DbLocks connectionLocks;
    private TableLock tables;

    private TransactionLockState(TransactionalLocks owner, Connection connection) {
        this.owner = owner;
        this.connection = connection;
    }

    /**
     * The state of the current transaction's {@code connection}, registered as a synchronization on first use.
     *
     * @throws LockUsageException if transaction synchronization is off, so nothing could release the locks
     */
    public static TransactionLockState of(TransactionalLocks owner, Connection connection) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new LockUsageException(
                    "transaction synchronization is off for this transaction, so nothing could release the lock after"
                            + " the commit: leave the transaction manager's transactionSynchronization at its default",
                    null);
        }
        for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
            if (s instanceof TransactionLockState state && state.owner == owner && state.connection == connection) {
                return state;
            }
        }
        TransactionLockState state = new TransactionLockState(owner, connection);
        TransactionSynchronizationManager.registerSynchronization(state);
        return state;
    }

    /**
     * Takes {@code lock}'s keys as a session lock on the transaction's connection.
     *
     * @param wait null to wait up to the lock's own timeout and throw on timeout; else how long to try
     * @return whether it was granted
     */
    public boolean acquire(AdvisoryLock lock, Duration wait) {
        AdvisoryLock onConnection = connectionLocks().advisory(lock.keys());
        onConnection = lock.timeout().map(onConnection::timeout).orElseGet(onConnection::waitForever);
        Optional<LockHandle> handle =
                wait == null ? Optional.of(onConnection.acquire()) : onConnection.tryAcquire(wait);
        handle.ifPresent(handles::push);
        return handle.isPresent();
    }

    /** Remembers to end the transaction's table locks after completion (one release ends them all). */
    public void releaseTablesAfterCompletion(TableLock lock) {
        tables = lock;
    }

    private DbLocks connectionLocks() {
        if (connectionLocks == null) {
            connectionLocks = DbLocks.create(new TransactionConnectionSource(connection));
        }
        return connectionLocks;
    }

    @Override
    public void afterCompletion(int status) {
        boolean discard = false;
        while (!handles.isEmpty()) {
            try {
                handles.pop().release();
            } catch (LockLostException e) {
                LOG.log(Level.WARNING, "a transaction-bound named lock was already gone when its transaction ended", e);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "releasing a transaction-bound named lock failed", e);
                discard = true;
            }
        }
        if (tables != null) {
            try {
                tables.release(connection);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "UNLOCK TABLES after the transaction failed", e);
                discard = true;
            }
        }
        if (discard) {
            TransactionConnectionSource.closePhysically(connection);
        }
    }

    @Override
    public String toString() {
        return "TransactionLockState[" + handles.size() + " named locks, tables " + (tables != null) + "]";
    }
}
