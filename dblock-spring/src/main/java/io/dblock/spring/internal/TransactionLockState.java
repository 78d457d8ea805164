package io.dblock.spring.internal;

import io.dblock.AdvisoryLock;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.LockLostException;
import io.dblock.LockUsageException;
import io.dblock.TableLock;
import io.dblock.spring.TransactionalLocks;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The locks one transaction holds that its commit or rollback does not end by itself, released in {@link
 * #afterCompletion(int)}, and the locks to confirm before it commits ({@link #checkBeforeCommit}).
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
 * <p>Before commit, each registered check asks the server, on the transaction's connection, whether the lock's
 * holder still holds every key: PostgreSQL one query on {@code pg_locks}; MySQL/MariaDB {@code CONNECTION_ID()} (for a
 * lock on this connection) and {@code IS_USED_LOCK} per key. A lock gone, or a question that fails (the session
 * died), throws {@link LockLostException} from {@code beforeCommit}, which makes the transaction manager roll back.
 *
 * <p>Found again by {@link #of} among the current transaction's synchronizations, so a suspended transaction's state
 * stays with it. Confined to the transaction's thread.
 */
public final class TransactionLockState implements TransactionSynchronization {

    private static final System.Logger LOG = System.getLogger(TransactionLockState.class.getName());

    private final TransactionalLocks owner;
    private final Connection connection;
    private final Deque<LockHandle> handles = new ArrayDeque<>();
    private final List<Check> checks = new ArrayList<>();
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

    /**
     * Confirms before commit that {@code keys} are still held, and fails the commit otherwise.
     *
     * @param keys the lock's keys
     * @param holder the session lock's handle when it lives on another connection; null for a lock on this
     *     transaction's connection
     * @param applies whether the check still applies when the commit comes (a session lock released earlier: no)
     * @param where the annotated method, for the message
     * @param guard told of the loss, or null
     */
    void checkBeforeCommit(
            List<LockKey> keys, LockHandle holder, BooleanSupplier applies, String where, LossGuard guard) {
        checks.add(new Check(List.copyOf(keys), holder, applies, where, guard));
    }

    @Override
    public void beforeCommit(boolean readOnly) {
        for (Check check : checks) {
            if (!check.applies().getAsBoolean()) {
                continue;
            }
            LockLostException lost = confirm(check);
            if (lost != null) {
                if (check.guard() != null) {
                    check.guard().lost(lost);
                }
                throw lost;
            }
        }
    }

    /** Null if the server confirms the lock, else the exception that fails the commit. */
    private LockLostException confirm(Check check) {
        String lock = check.keys().toString();
        if (check.holder() != null && !check.holder().isHeld()) {
            return lost(check, "the lock was lost (its session ended or the watchdog found it gone)", null);
        }
        try {
            if (heldOnServer(check)) {
                return null;
            }
            return lost(check, "the server says its session does not hold it any more", null);
        } catch (SQLException | RuntimeException e) {
            return lost(check, "the server could not confirm it (" + e.getMessage() + ")", e);
        }
    }

    private LockLostException lost(Check check, String why, Throwable cause) {
        return new LockLostException(
                "the lock of " + check.where() + " is gone before the commit of the transaction it guards: " + why
                        + "; the transaction is rolled back so that work done under a lost lock is not committed",
                check.keys().toString(),
                owner.locks().engineName(),
                null,
                cause);
    }

    private boolean heldOnServer(Check check) throws SQLException {
        if ("PostgreSQL".equals(owner.locks().engineName())) {
            return heldOnPostgres(check);
        }
        long holder = check.holder() != null ? check.holder().connectionId() : mysqlConnectionId();
        for (LockKey key : check.keys()) {
            if (!connectionLocks().advisory(key).holderConnectionIds().contains(holder)) {
                return false;
            }
        }
        return true;
    }

    private boolean heldOnPostgres(Check check) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT count(DISTINCT (classid, objid, objsubid)) FROM pg_locks WHERE"
                + " locktype = 'advisory' AND granted AND pid = ");
        sql.append(check.holder() != null ? check.holder().connectionId() : "pg_backend_pid()")
                .append(" AND (");
        for (int i = 0; i < check.keys().size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append("(classid::bigint = ? AND objid::bigint = ? AND objsubid = ?)");
        }
        try (PreparedStatement s = connection.prepareStatement(sql.append(")").toString())) {
            int p = 1;
            for (LockKey key : check.keys()) {
                s.setLong(p++, key.pgLocksId().classid());
                s.setLong(p++, key.pgLocksId().objid());
                s.setInt(p++, key.pgLocksId().objsubid());
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getInt(1) == check.keys().size();
            }
        }
    }

    private long mysqlConnectionId() throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** One lock to confirm before commit. */
    private record Check(
            List<LockKey> keys, LockHandle holder, BooleanSupplier applies, String where, LossGuard guard) {}

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
