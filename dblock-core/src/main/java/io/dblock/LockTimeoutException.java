package io.dblock;

import java.time.Duration;

/**
 * The lock was not granted within the allowed wait.
 *
 * <p>Thrown by the blocking forms ({@code acquire()}, {@code withLock}); the {@code try} forms return "not acquired"
 * instead. On PostgreSQL it corresponds to SQLState {@code 55P03} ({@code lock_timeout} or {@code NOWAIT}). A timeout
 * inside the caller's transaction leaves that transaction usable: dblock waits inside a savepoint.
 */
public class LockTimeoutException extends LockException {

    private static final long serialVersionUID = 1L;

    /** See {@link LockException#LockException(String, String, String, Duration, Throwable)}. */
    public LockTimeoutException(String message, String lock, String engine, Duration waited, Throwable cause) {
        super(message, lock, engine, waited, cause);
    }

    /** An exception with a message and the lock concerned only. */
    public LockTimeoutException(String message, String lock) {
        this(message, lock, null, null, null);
    }
}
