package io.dblock;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An advisory (named) lock over one or more keys: a description of a lock, not a held lock.
 *
 * <p>Instances are immutable and thread-safe; {@link #shared()} and {@link #timeout(Duration)} return new instances.
 * Acquiring yields a {@link LockHandle}. Several keys are acquired all-or-nothing, in canonical order ({@link
 * LockKey#compareTo}), so two processes locking overlapping sets cannot deadlock on the order.
 *
 * <h2>Scopes</h2>
 *
 * <ul>
 *   <li><b>Session</b> ({@link #acquire()}, {@link #tryAcquire()}...): held until released, on a connection dblock takes
 *       from the {@code DataSource} and pins to the calling thread for the hold. A thread's nested session locks share
 *       that one connection, so the server sees a deadlock between two threads as one. Re-acquiring a key the thread
 *       already holds runs no SQL: a hold count goes up and the server lock is released when it returns to zero.
 *       That holds while the server confirmed the session's locks within the watchdog interval (every successful
 *       lock, unlock or watchdog check confirms them); past it, or with the watchdog off, the re-entry first asks the
 *       server on the pinned connection (one round trip). A hold known or found lost is not re-entered: the call
 *       throws {@link LockLostException} and the hold's {@code onLost} callbacks run.
 *   <li><b>Transaction</b> ({@link #acquireForTransaction(Connection)}): PostgreSQL {@code pg_advisory_xact_lock} on the
 *       caller's connection, released by its {@code COMMIT} or {@code ROLLBACK}; there is no handle to release.
 * </ul>
 *
 * <h2>Waiting</h2>
 *
 * Every wait happens on the server ({@code lock_timeout} or {@code pg_try_advisory_lock}), never by polling. Threads
 * of one {@link DbLocks} that want a key another of its threads holds or is waiting for queue locally first, so one
 * key never ties up more than one waiting connection; a cycle among such threads is reported as a {@link
 * LockDeadlockException}. An interrupted waiter cancels its server-side wait and gets a {@link
 * LockInterruptedException} with its interrupt flag still set.
 *
 * <h2>SQL on PostgreSQL</h2>
 *
 * Uncontended acquire (with or without a timeout): one statement execution, e.g. {@code SELECT set_config('lock_timeout',
 * '2000ms', true); SELECT pg_advisory_lock(?), pg_backend_pid()} sent as one batch. Release: one {@code SELECT
 * pg_advisory_unlock(?)}.
 */
public interface AdvisoryLock {

    /** The keys, in canonical order, without duplicates. */
    List<LockKey> keys();

    /** {@link AdvisoryLockMode#EXCLUSIVE} unless {@link #shared()} was called. */
    AdvisoryLockMode mode();

    /**
     * How long {@link #acquire()} and {@link #withLock} wait before throwing {@link LockTimeoutException}; empty means
     * without limit. Defaults to {@link DbLocks#defaultTimeout()}.
     */
    Optional<Duration> timeout();

    /**
     * The same keys in shared mode: any number of shared holders, excluded by exclusive holders.
     *
     * @throws UnsupportedLockException if the engine has no shared advisory locks (MySQL, MariaDB)
     */
    AdvisoryLock shared();

    /** The same keys in exclusive mode (the default). */
    AdvisoryLock exclusive();

    /**
     * The same lock with another wait limit for {@link #acquire()} and {@link #withLock}; {@link Duration#ZERO} means do
     * not wait. PostgreSQL measures it in whole milliseconds (a fraction rounds up).
     *
     * @throws IllegalArgumentException if negative, or longer than the engine can wait ({@link
     *     io.dblock.spi.LockEngine#longestWait()}: PostgreSQL 2147483647 ms, about 24.9 days; MySQL/MariaDB 31536000 s,
     *     one year), before any statement runs
     */
    AdvisoryLock timeout(Duration timeout);

    /** The same lock, waiting without limit in {@link #acquire()} and {@link #withLock}. */
    AdvisoryLock waitForever();

    /**
     * Acquires a session lock, waiting up to {@link #timeout()}.
     *
     * @return the handle; close it to release
     * @throws LockTimeoutException if not granted in time
     * @throws LockDeadlockException if waiting would deadlock
     * @throws LockInterruptedException if the thread was interrupted while waiting (flag stays set)
     */
    LockHandle acquire();

    /** Acquires a session lock if it is free right now, without waiting. */
    Optional<LockHandle> tryAcquire();

    /**
     * Acquires a session lock, waiting up to {@code wait} on the server.
     *
     * @return the handle, or empty if not granted in time
     * @throws IllegalArgumentException if {@code wait} is negative, or longer than the engine can wait ({@link
     *     io.dblock.spi.LockEngine#longestWait()}: PostgreSQL 2147483647 ms, about 24.9 days; MySQL/MariaDB 31536000 s,
     *     one year), before any statement runs
     */
    Optional<LockHandle> tryAcquire(Duration wait);

    /**
     * Runs {@code work} holding a session lock acquired as by {@link #acquire()}, and releases it afterwards.
     *
     * @throws LockTimeoutException if not granted within {@link #timeout()}; {@code work} did not run
     * @throws X whatever {@code work} throws, after the lock is released
     */
    <R, X extends Exception> R withLock(LockCallback<R, X> work) throws X;

    /** {@link #withLock(LockCallback)} for work without a result. */
    <X extends Exception> void runWithLock(LockAction<X> work) throws X;

    /**
     * Runs {@code work} if the lock is granted within {@code wait}, and skips it otherwise.
     *
     * @return the work's result ({@link Optional#ofNullable}), or empty if the lock was not granted and the work skipped
     */
    <R, X extends Exception> Optional<R> tryWithLock(Duration wait, LockCallback<R, X> work) throws X;

    /**
     * Runs {@code work} if the lock is granted within {@code wait}, and skips it otherwise.
     *
     * @return true if the work ran
     */
    <X extends Exception> boolean tryRunWithLock(Duration wait, LockAction<X> work) throws X;

    /**
     * Acquires a transaction-scoped lock on the caller's connection, waiting up to {@link #timeout()}; it is released by
     * the transaction's {@code COMMIT} or {@code ROLLBACK}. On timeout the caller's transaction is still usable
     * (dblock waits inside a savepoint) and its {@code lock_timeout} is as it was.
     *
     * @param connection a connection with an open transaction ({@code autoCommit == false})
     * @throws LockUsageException if the connection is in auto-commit mode or its transaction has failed
     * @throws LockTimeoutException if not granted in time
     * @throws UnsupportedLockException on engines without transaction-scoped locks
     */
    void acquireForTransaction(Connection connection);

    /** Like {@link #acquireForTransaction(Connection)} but without waiting; returns whether it was granted. */
    boolean tryAcquireForTransaction(Connection connection);

    /** Like {@link #acquireForTransaction(Connection)} but waiting up to {@code wait}; returns whether it was granted. */
    boolean tryAcquireForTransaction(Connection connection, Duration wait);

    /**
     * True if any session or transaction on the server holds any of this lock's keys, in any mode. A snapshot: the
     * answer may be stale when it arrives. Reads {@code pg_locks}.
     */
    boolean isLocked();

    /** The server connection ids (PostgreSQL backend pids) holding any of this lock's keys right now, in any mode. */
    Set<Long> holderConnectionIds();

    /**
     * Returns a copy of this lock whose waits push blockers aside per {@code priority}: while waiting, dblock
     * cancels or terminates the sessions blocking this request (see {@link Priority} for how, and the privileges
     * needed). Costs one extra round trip before a wait; requests that do not wait are unaffected.
     *
     * @param priority for example {@code Priority.terminateBlockers().after(Duration.ofSeconds(5))}
     * @return a new, immutable lock
     */
    AdvisoryLock prioritised(Priority priority);

    /**
     * This lock with fencing tokens: every successful acquisition also increments the key's counter in the fencing
     * table (see {@link DbLocks.Builder#fencingTable(String)}, default {@value DbLocks#DEFAULT_FENCING_TABLE}) and hands
     * the new value out as {@link LockHandle#fencingToken()}.
     *
     * <p>One more statement per acquisition, on the lock's own connection while it holds the lock, committed before
     * the handle is returned: PostgreSQL {@code INSERT ... ON CONFLICT (lock_key) DO UPDATE SET token = token + 1
     * RETURNING token}; MySQL/MariaDB {@code INSERT ... ON DUPLICATE KEY UPDATE token = LAST_INSERT_ID(token + 1)}
     * and {@code SELECT LAST_INSERT_ID()}. Re-entrant acquisitions reuse the token and run no SQL. Tokens are strictly
     * increasing per key among fenced acquisitions; plain acquisitions of the same key take no token.
     *
     * <p>Only for exclusive session locks on one key: a shared lock has several holders at once, and a token written
     * in a transaction-scoped lock's transaction would roll back with it.
     *
     * @throws LockUsageException if this lock is shared or has several keys
     */
    AdvisoryLock fenced();
}
