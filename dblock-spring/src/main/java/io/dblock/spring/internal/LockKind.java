package io.dblock.spring.internal;

/** Which of the two interceptors a lock annotation belongs to. */
enum LockKind {
    /** {@code @AdvisoryLock(scope = SESSION)}: held for the call, placed around the transaction by default. */
    SESSION,
    /** {@code @TableLock} and {@code @AdvisoryLock(scope = TRANSACTION)}: joined to the transaction, placed innermost. */
    TRANSACTION
}
