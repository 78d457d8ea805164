package io.dblock;

import java.time.Duration;

/**
 * The database, or this engine, does not offer the requested kind of lock.
 *
 * <p>The message names what is supported instead (for example: shared advisory locks exist on PostgreSQL only; MySQL
 * has {@code GET_LOCK} exclusive locks).
 */
public class UnsupportedLockException extends LockException {

    private static final long serialVersionUID = 1L;

    /** See {@link LockException#LockException(String, String, String, Duration, Throwable)}. */
    public UnsupportedLockException(String message, String lock, String engine, Duration waited, Throwable cause) {
        super(message, lock, engine, waited, cause);
    }

    /** An exception with a message and the lock concerned only. */
    public UnsupportedLockException(String message, String lock) {
        this(message, lock, null, null, null);
    }
}
