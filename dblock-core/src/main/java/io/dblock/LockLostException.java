package io.dblock;

import java.time.Duration;

/**
 * A lock that was believed held is not held any more: its connection died, its server session was terminated, or the
 * server reports it was not held when it was released.
 */
public class LockLostException extends LockException {

    private static final long serialVersionUID = 1L;

    /** See {@link LockException#LockException(String, String, String, Duration, Throwable)}. */
    public LockLostException(String message, String lock, String engine, Duration waited, Throwable cause) {
        super(message, lock, engine, waited, cause);
    }

    /** An exception with a message and the lock concerned only. */
    public LockLostException(String message, String lock) {
        this(message, lock, null, null, null);
    }
}
