package io.dblock.spring;

import io.dblock.AdvisoryLock;
import io.dblock.DbLocks;
import io.dblock.LockFailedException;
import io.dblock.LockUsageException;
import io.dblock.TableLock;
import io.dblock.spring.internal.PendingOrmWork;
import io.dblock.spring.internal.TransactionLockState;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Locks bound to the current Spring-managed transaction: taken on the transaction's own connection and released when
 * that transaction commits or rolls back.
 *
 * <pre>{@code
 * TransactionalLocks txLocks = new TransactionalLocks(locks, dataSource);
 *
 * @Transactional
 * public void bill(long invoiceId) {
 *     txLocks.acquire(locks.advisory("invoice:" + invoiceId));               // until this transaction ends
 *     txLocks.acquire(locks.tables("ledger").mode(TableLockMode.SHARE_ROW_EXCLUSIVE));
 *     ...
 * }
 * }</pre>
 *
 * <p>The connection is the one {@link DataSourceUtils#getConnection(DataSource)} returns inside the transaction, so
 * this works with every transaction manager that binds a JDBC connection for {@link #dataSource()}: {@code
 * DataSourceTransactionManager}, {@code JdbcTransactionManager}, and {@code JpaTransactionManager} when it knows the
 * {@code DataSource} (Spring Boot sets it; otherwise call {@code setDataSource}).
 *
 * <h2>What each lock leads to</h2>
 *
 * <table>
 *   <caption>SQL per engine</caption>
 *   <tr><th></th><th>PostgreSQL</th><th>MySQL / MariaDB</th></tr>
 *   <tr><td>{@link #acquire(AdvisoryLock)}</td><td>{@code pg_advisory_xact_lock}, released by {@code COMMIT} or
 *       {@code ROLLBACK}</td><td>{@code GET_LOCK} on the transaction's connection (named locks are session-scoped
 *       there), released by {@code RELEASE_LOCK} right after the transaction completes</td></tr>
 *   <tr><td>{@link #acquire(TableLock)}</td><td>{@code LOCK TABLE ... IN <mode> MODE}, released by {@code COMMIT}
 *       or {@code ROLLBACK}</td><td>{@code LOCK TABLES ...}, which must be the transaction's first statement;
 *       {@code UNLOCK TABLES} right after the transaction completes</td></tr>
 * </table>
 *
 * <p>"Right after the transaction completes" is a {@link org.springframework.transaction.support.TransactionSynchronization}'s
 * {@code afterCompletion}, which runs after the commit or rollback and before the connection goes back to the pool. If
 * that release fails, the physical connection is closed, so the pool never hands out a connection that still holds a
 * lock. On MySQL/MariaDB this needs transaction synchronization (the default of every Spring transaction manager);
 * with it switched off, transaction-bound locks are refused there with {@link LockUsageException}.
 *
 * <p>Timeouts are the locks' own: {@link AdvisoryLock#timeout(Duration)} and {@link TableLock#timeout(Duration)} for
 * the {@code acquire} methods, the {@code wait} argument for {@code tryAcquire}. A timeout leaves the transaction
 * usable (dblock waits inside a savepoint on PostgreSQL).
 *
 * <p>Thread safety: instances are immutable and thread-safe; share one per {@code DataSource}. Each call works on the
 * calling thread's transaction.
 */
public final class TransactionalLocks {

    /** Engines whose named locks are session-scoped and whose table locks outlive COMMIT. */
    private static final Set<String> MYSQL_FAMILY = Set.of("MySQL", "MariaDB");

    private final DbLocks locks;
    private final DataSource dataSource;

    /**
     * Binds locks to the transactions that a Spring transaction manager runs on {@code dataSource}.
     *
     * @param locks the {@link DbLocks} of the same database; its engine decides how transaction-bound advisory locks
     *     are taken
     * @param dataSource the {@code DataSource} the transaction manager manages (a {@link
     *     TransactionAwareDataSourceProxy} is unwrapped to its target, as the transaction manager does)
     */
    public TransactionalLocks(DbLocks locks, DataSource dataSource) {
        this.locks = Objects.requireNonNull(locks, "locks must not be null");
        Objects.requireNonNull(dataSource, "dataSource must not be null");
        this.dataSource = dataSource instanceof TransactionAwareDataSourceProxy proxy
                ? Objects.requireNonNull(proxy.getTargetDataSource(), "the proxy has no target DataSource")
                : dataSource;
    }

    /** The {@link DbLocks} this instance was created with, for building locks: {@code locks().advisory("a")}. */
    public DbLocks locks() {
        return locks;
    }

    /** The {@code DataSource} whose transactions the locks join. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Takes an advisory lock until the current transaction ends, waiting up to the lock's {@link AdvisoryLock#timeout()}.
     *
     * @param lock built from a {@link DbLocks} of the same database; shared locks on PostgreSQL only
     * @throws LockUsageException if no Spring-managed transaction is active on this thread, or it does not manage
     *     {@link #dataSource()}
     * @throws io.dblock.LockTimeoutException if not granted in time; the transaction is still usable
     */
    public void acquire(AdvisoryLock lock) {
        advisory(lock, null);
    }

    /**
     * Takes an advisory lock until the current transaction ends if it is free right now.
     *
     * @return whether it was granted
     * @throws LockUsageException as {@link #acquire(AdvisoryLock)}
     */
    public boolean tryAcquire(AdvisoryLock lock) {
        return advisory(lock, Duration.ZERO);
    }

    /**
     * Takes an advisory lock until the current transaction ends, waiting up to {@code wait} on the server.
     *
     * @param wait how long to wait, not negative; {@link Duration#ZERO} does not wait
     * @return whether it was granted in time
     * @throws LockUsageException as {@link #acquire(AdvisoryLock)}
     */
    public boolean tryAcquire(AdvisoryLock lock, Duration wait) {
        return advisory(lock, Objects.requireNonNull(wait, "wait must not be null"));
    }

    /**
     * Locks tables until the current transaction ends, waiting up to the lock's {@link TableLock#timeout()}.
     *
     * @throws LockUsageException if no Spring-managed transaction is active on this thread, or it does not manage
     *     {@link #dataSource()}; on MySQL/MariaDB also if the transaction has already run a statement ({@code LOCK
     *     TABLES} would silently commit it). On MySQL/MariaDB the transaction's JPA persistence context (and any other
     *     flushable synchronization) is flushed first, so that work a {@code persist} still holds back counts as run:
     *     lock tables before the transaction's first write, not after it
     * @throws io.dblock.LockTimeoutException if not granted in time; the transaction is still usable
     */
    public void acquire(TableLock lock) {
        tables(lock, null);
    }

    /**
     * Locks tables until the current transaction ends if that is possible without waiting ({@code NOWAIT}).
     *
     * @return whether they were locked
     * @throws LockUsageException as {@link #acquire(TableLock)}
     */
    public boolean tryAcquire(TableLock lock) {
        return tables(lock, Duration.ZERO);
    }

    /**
     * Locks tables until the current transaction ends, waiting up to {@code wait}.
     *
     * @return whether they were locked in time
     * @throws LockUsageException as {@link #acquire(TableLock)}
     */
    public boolean tryAcquire(TableLock lock, Duration wait) {
        return tables(lock, Objects.requireNonNull(wait, "wait must not be null"));
    }

    /** {@code wait == null}: wait up to the lock's own timeout and throw on timeout. */
    private boolean advisory(AdvisoryLock lock, Duration wait) {
        Objects.requireNonNull(lock, "lock must not be null");
        Connection connection = transactionConnection(lock.toString());
        try {
            if (mysqlFamily()) {
                return TransactionLockState.of(this, connection).acquire(lock, wait);
            }
            if (wait == null) {
                lock.acquireForTransaction(connection);
                return true;
            }
            return lock.tryAcquireForTransaction(connection, wait);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    private boolean tables(TableLock lock, Duration wait) {
        Objects.requireNonNull(lock, "lock must not be null");
        Connection connection = transactionConnection(lock.toString());
        try {
            // Registered first: if the tables get locked, UNLOCK TABLES must follow whatever happens next. Elsewhere
            // (PostgreSQL) COMMIT and ROLLBACK end table locks, and nothing needs to run afterwards.
            TransactionLockState state = mysqlFamily() ? TransactionLockState.of(this, connection) : null;
            if (state != null) {
                // LOCK TABLES would commit work the server has seen, and the guard refuses it then; work an ORM still
                // holds back is not seen yet: send it first, so that the guard sees it (never lock, then fail at flush)
                PendingOrmWork.flush();
            }
            boolean locked;
            if (wait == null) {
                lock.acquire(connection);
                locked = true;
            } else {
                locked = lock.tryAcquire(connection, wait);
            }
            if (locked && state != null) {
                state.releaseTablesAfterCompletion(lock);
            }
            return locked;
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    private Connection transactionConnection(String lock) {
        // The transaction manager binds its connection before the transaction's work starts (also with transaction
        // synchronization off, when no "actual transaction" is recorded); without that binding, DataSourceUtils would
        // hand out, and bind, a fresh auto-commit connection.
        boolean active = TransactionSynchronizationManager.isActualTransactionActive();
        boolean bound = TransactionSynchronizationManager.hasResource(dataSource);
        if (!active && !bound) {
            throw noTransaction(lock);
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        if (!bound || autoCommit(connection)) {
            DataSourceUtils.releaseConnection(connection, dataSource);
            if (!active) {
                throw noTransaction(lock);
            }
            throw new LockUsageException(
                    "the active transaction does not manage this DataSource, so the lock would live on another"
                            + " connection: give TransactionalLocks the DataSource of the transaction manager (with"
                            + " JpaTransactionManager, make sure it knows that DataSource: setDataSource)",
                    lock);
        }
        return connection;
    }

    private static LockUsageException noTransaction(String lock) {
        return new LockUsageException(
                "a transaction-bound lock needs an active Spring-managed transaction on this thread: call it from a"
                        + " @Transactional method or inside TransactionTemplate.execute (for a lock without a"
                        + " transaction, use a session lock: DbLocks.advisory(...).acquire())",
                lock);
    }

    private boolean mysqlFamily() {
        return MYSQL_FAMILY.contains(locks.engineName());
    }

    private static boolean autoCommit(Connection connection) {
        try {
            return connection.getAutoCommit();
        } catch (SQLException e) {
            throw new LockFailedException("could not read the connection's auto-commit mode", null, null, null, e);
        }
    }

    @Override
    public String toString() {
        return "TransactionalLocks[" + locks.engineName() + "]";
    }
}
