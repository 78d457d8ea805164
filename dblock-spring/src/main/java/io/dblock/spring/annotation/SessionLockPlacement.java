package io.dblock.spring.annotation;

/**
 * Where {@link LockScope#SESSION scope = SESSION} locks of {@link AdvisoryLock} sit in a bean's chain of interceptors, relative
 * to {@code @Transactional} and other advice on the same bean. Chosen with {@link EnableDbLocks#sessionLocks()}.
 *
 * <p>Transaction-bound locks ({@link TableLock}, {@link LockScope#TRANSACTION}) and the default {@link LockScope#AUTO}
 * always sit innermost, so the
 * transaction of a {@code @Transactional} on the same method is open when they run; this setting does not move them.
 */
public enum SessionLockPlacement {

    /**
     * Outermost (the default): lock, begin the transaction, run the method, commit, unlock. The next holder of the lock
     * always sees the committed work. Use this unless you have a reason not to.
     */
    AROUND_TRANSACTION,

    /**
     * Innermost: begin the transaction, lock, run the method, unlock, commit. The lock is released before the commit,
     * so the next holder can run before this transaction's work is visible and read stale data. For locks that guard
     * something other than this transaction's data (a file, a remote call) and should be held as briefly as possible.
     */
    INSIDE_TRANSACTION
}
