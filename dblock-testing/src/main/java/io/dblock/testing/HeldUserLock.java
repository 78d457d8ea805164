package io.dblock.testing;

/**
 * One user-level lock of MySQL or MariaDB (taken with {@code GET_LOCK}), held or waited for by some connection: a row
 * of {@code performance_schema.metadata_locks} with {@code OBJECT_TYPE = 'USER LEVEL LOCK'}, joined to {@code
 * performance_schema.threads} for the connection id.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param connectionId the id of the connection holding or awaiting the lock, as {@code CONNECTION_ID()}, {@code SHOW
 *     PROCESSLIST} and {@code KILL} know it ({@code threads.PROCESSLIST_ID})
 * @param name the lock name ({@code metadata_locks.OBJECT_NAME}); MariaDB shows at most the first 64 characters there,
 *     although it locks on the whole name
 * @param status {@code metadata_locks.LOCK_STATUS}: {@code GRANTED} if held, {@code PENDING} if the connection waits
 */
public record HeldUserLock(long connectionId, String name, String status) {

    /**
     * Returns whether the connection holds the lock rather than waits for it.
     *
     * @return {@code true} if {@link #status()} is {@code GRANTED}
     */
    public boolean granted() {
        return "GRANTED".equals(status);
    }
}
