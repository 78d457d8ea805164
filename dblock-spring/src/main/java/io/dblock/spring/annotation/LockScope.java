package io.dblock.spring.annotation;

/** How long an {@link AdvisoryLock} annotation holds its lock. */
public enum LockScope {

    /**
     * For the method call: a session lock ({@code pg_advisory_lock} / {@code GET_LOCK}) on a connection dblock borrows
     * from the pool and pins to the thread, released when the method returns or throws. With {@code @Transactional} on
     * the same method, the lock is taken before the transaction begins and released after it commits or rolls back
     * (see {@link SessionLockPlacement}). Needs no transaction.
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
