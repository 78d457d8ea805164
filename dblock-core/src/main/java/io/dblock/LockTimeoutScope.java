package io.dblock;

/**
 * A block of work during which a connection's lock waits are limited, opened by {@link DbLocks#lockTimeout} and
 * ended by {@link #close()}, which puts the previous limits back.
 *
 * <pre>{@code
 * try (LockTimeoutScope scope = locks.lockTimeout(connection, Duration.ofSeconds(2))) {
 *     migrate(connection); // any statement waiting more than 2 s for a lock fails instead of queueing
 * }
 * }</pre>
 *
 * <p>What it sets: on PostgreSQL {@code lock_timeout} (milliseconds, rounded up; {@code ZERO} becomes 1 ms because 0
 * means "no limit" there), one round trip each way. On MySQL/MariaDB {@code lock_wait_timeout} (table and metadata
 * locks) and {@code innodb_lock_wait_timeout} (row locks), whole seconds rounded up (MySQL: at least 1), two round trips
 * to open, one to close. Named locks ({@code GET_LOCK}) take their own timeout and are not affected. The change is
 * session-level ({@code SET}, not {@code SET LOCAL}): it outlives commits inside the scope. Locks taken through dblock
 * use their own timeouts and are not affected either way.
 *
 * <p>Scopes nest: an inner scope sets its own limit and restores the outer one. They must be closed in reverse order of
 * opening ({@link LockUsageException} otherwise). Not thread-safe: use a scope on the thread that uses its connection.
 */
public interface LockTimeoutScope extends AutoCloseable {

    /**
     * Puts back the limits that were in force when the scope was opened. Idempotent.
     *
     * @throws LockUsageException if an inner scope on the same connection is still open, or if the limits cannot be
     *     restored because the connection's transaction has failed (PostgreSQL: roll back; the rollback also undoes
     *     the change when the scope was opened in that transaction)
     * @throws LockFailedException if the connection fails
     */
    @Override
    void close();
}
