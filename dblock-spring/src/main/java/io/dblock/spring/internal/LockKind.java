package io.dblock.spring.internal;

/** Which of the two interceptors an annotated method goes through. */
enum LockKind {
    /**
     * The outer interceptor, placed before every other advice of the bean ({@code @Transactional} included): every
     * {@code @AdvisoryLock} method. It takes {@code scope = SESSION} locks when they are placed around the transaction,
     * and turns a loss the call learnt of into {@link io.dblock.LockLostException} once the transaction has ended.
     */
    OUTER,
    /**
     * The inner interceptor, placed after every other advice, so inside a {@code @Transactional} of the same method:
     * {@code @TableLock}, {@code @AdvisoryLock} with scope {@code TRANSACTION} and {@code AUTO}, and {@code SESSION}
     * locks placed inside the transaction; it registers the before-commit checks.
     */
    INNER
}
