package io.dblock;

import java.time.Duration;

/**
 * The API was used in a way that cannot work, for example a transaction-scoped lock on a connection in auto-commit
 * mode, {@code LOCK TABLE} outside a transaction, releasing a handle twice or from another thread, or a table that does
 * not exist. The message says what to do instead; nothing was changed on the server.
 */
public class LockUsageException extends LockException {

    private static final long serialVersionUID = 1L;

    /** See {@link LockException#LockException(String, String, String, Duration, Throwable)}. */
    public LockUsageException(String message, String lock, String engine, Duration waited, Throwable cause) {
        super(message, lock, engine, waited, cause);
    }

    /** An exception with a message and the lock concerned only. */
    public LockUsageException(String message, String lock) {
        this(message, lock, null, null, null);
    }
}
