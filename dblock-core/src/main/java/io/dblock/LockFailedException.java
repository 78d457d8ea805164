package io.dblock;

import java.time.Duration;

/**
 * The database failed a lock operation for a reason no more specific exception describes: the connection broke while
 * acquiring, the server ran out of lock memory ({@code 53200}, raise {@code max_locks_per_transaction}), or another
 * server error. The driver's exception is the cause.
 */
public class LockFailedException extends LockException {

    private static final long serialVersionUID = 1L;

    /** See {@link LockException#LockException(String, String, String, Duration, Throwable)}. */
    public LockFailedException(String message, String lock, String engine, Duration waited, Throwable cause) {
        super(message, lock, engine, waited, cause);
    }
}
