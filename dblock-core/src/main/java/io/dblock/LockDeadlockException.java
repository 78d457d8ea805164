package io.dblock;

import java.time.Duration;

/**
 * The server (or dblock's local wait-for graph) found a deadlock and chose this request as the victim.
 *
 * <p>On PostgreSQL it corresponds to SQLState {@code 40P01}. Between threads that share one {@link DbLocks}, dblock
 * detects the cycle itself, before the server could see it, and reports it the same way. Retry after releasing the
 * locks you hold.
 */
public class LockDeadlockException extends LockException {

    private static final long serialVersionUID = 1L;

    /** See {@link LockException#LockException(String, String, String, Duration, Throwable)}. */
    public LockDeadlockException(String message, String lock, String engine, Duration waited, Throwable cause) {
        super(message, lock, engine, waited, cause);
    }

    /** An exception with a message and the lock concerned only. */
    public LockDeadlockException(String message, String lock) {
        this(message, lock, null, null, null);
    }
}
