package io.dblock.spring.annotation;

/** How long an {@link AdvisoryLock} annotation holds its lock, and on which connection. */
public enum LockScope {

    /**
     * The default: {@link #TRANSACTION} when a Spring-managed transaction on the {@code DataSource} of the {@code
     * DbLocks} bean is active where the lock is taken (inside {@code @Transactional} on the method or on a caller),
     * else {@link #SESSION}. So a {@code @Transactional @AdvisoryLock} method uses one pool connection per call: the
     * lock lives on the transaction's own connection and lasts until its commit or rollback.
     *
     * <p>Taken innermost, after the transaction began (and after other advice on the bean). Isolation consequence:
     * the lock is granted after {@code BEGIN}, so what the method reads depends on when the transaction's snapshot is
     * taken. Under {@code READ COMMITTED} (PostgreSQL's default) every statement sees what the previous holder
     * committed. Under {@code REPEATABLE READ}/{@code SERIALIZABLE} the snapshot is taken at the transaction's first
     * query: on PostgreSQL the lock statement itself ({@code SELECT pg_advisory_xact_lock}) is such a query and would
     * freeze the snapshot before the wait, so with an isolation declared as {@code REPEATABLE_READ} or {@code
     * SERIALIZABLE} in {@code @Transactional} dblock takes a {@link #SESSION} lock instead (on a second connection,
     * before the method's first statement). MySQL/MariaDB InnoDB takes its snapshot at the first read of a table,
     * which {@code GET_LOCK} is not, so its default {@code REPEATABLE READ} sees the previous holder's commit. In every
     * case, reads the transaction made before the lock (in a caller) are from before the lock. For a lock around the
     * whole transaction, commit included, as in earlier versions, choose {@link #SESSION} explicitly.
     */
    AUTO,

    /**
     * For the method call: a session lock ({@code pg_advisory_lock} / {@code GET_LOCK}) on a connection dblock borrows
     * from the pool and pins to the thread, released when the method returns or throws. With {@code @Transactional} on
     * the same method, the lock is taken before the transaction begins and released after it commits or rolls back
     * (see {@link SessionLockPlacement}), so a transactional call needs two pool connections: the lock's and the
     * transaction's. The behaviour of earlier versions' default. Needs no transaction.
     */
    SESSION,

    /**
     * Until the surrounding Spring-managed transaction ends, on the transaction's connection: PostgreSQL {@code
     * pg_advisory_xact_lock}, released by {@code COMMIT}/{@code ROLLBACK}; MySQL/MariaDB {@code GET_LOCK} on that
     * connection, released right after completion (see {@link io.dblock.spring.TransactionalLocks}). Needs an active
     * transaction when the method is called: from {@code @Transactional} on the method itself or on a caller.
     */
    TRANSACTION
}
