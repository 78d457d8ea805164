package io.dblock;

import java.time.Duration;

/**
 * The thread was interrupted while waiting for a lock; the server-side wait was cancelled.
 *
 * <p>The thread's interrupt flag is still set when this is thrown, and the lock is not held.
 */
public class LockInterruptedException extends LockException {

    private static final long serialVersionUID = 1L;

    /** See {@link LockException#LockException(String, String, String, Duration, Throwable)}. */
    public LockInterruptedException(String message, String lock, String engine, Duration waited, Throwable cause) {
        super(message, lock, engine, waited, cause);
    }

    /** An exception with a message and the lock concerned only. */
    public LockInterruptedException(String message, String lock) {
        this(message, lock, null, null, null);
    }
}
