package io.dblock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A held session-scoped advisory lock; closing it releases the lock.
 *
 * <p>The handle belongs to the thread that acquired it: the lock lives on that thread's pinned connection, and only
 * that thread may release it. Use it in try-with-resources:
 *
 * <pre>{@code
 * try (LockHandle h = locks.advisory("invoice:42").acquire()) {
 *     // exclusive work
 * }
 * }</pre>
 *
 * <p>When the last lock of the thread is released, its pinned connection goes back to the pool (or is discarded if the
 * unlock failed, so a pool never hands out a connection with a lock still held).
 *
 * <p><b>Watched locks.</b> With the watchdog on ({@link DbLocks.Builder#watchdog(Duration)}, every 10 s by default) a
 * lock whose session is gone (backend terminated, server restarted, connection killed) is found within one interval:
 * {@link #isHeld()} turns false, the {@link #onLost} callbacks and the listeners' {@link LockListener#lost} run once,
 * and {@link #release()} then completes without a driver error. A pass runs one query per pinned connection holding
 * locks, on that connection itself, and borrows nothing from the pool; it waits at most 5 s for the answer (the
 * driver's network timeout), so a holder cut off by a silent network partition is told within the interval plus 5 s
 * (the server may still hold the lock then, until its own TCP timeout). The watchdog also keeps pinned sessions alive
 * where the server ends idle sessions (PostgreSQL {@code idle_session_timeout}, MySQL/MariaDB {@code wait_timeout}):
 * the first keepalive pass after a connection is pinned (within 250 ms) reads the session's limit (one query), and a
 * session idle for a third of it ({@link DbLocks.Builder#keepaliveAt(double)}) is used again (one query, the same
 * check), never while its thread runs a statement on it. With the watchdog off there is neither, and such a server may end an idle holder's session and its locks.
 * The keepalive also bounds zombie locks ({@link DbLocks.Builder#silentClientBound(Duration)}, default 30 s): it sets
 * a pinned session to be ended by the server once its client has been silent that long (PostgreSQL {@code
 * tcp_keepalives_idle} half of it, {@code tcp_keepalives_interval} a sixth, {@code tcp_keepalives_count} 3, {@code
 * tcp_user_timeout} all of it; MySQL/MariaDB {@code wait_timeout} lowered to it), uses the session within a third of
 * it, and puts the settings back before the connection returns to its pool (one round trip each). A partitioned holder
 * is told within the watchdog interval (or a third of the bound) plus 5 s, before the server frees the lock. The
 * trade-off: a holder silent longer than the bound (a GC pause, a frozen VM) loses its locks.
 * Pinned sessions run in auto-commit (dblock switches a borrowed connection to it), so PostgreSQL's {@code
 * idle_in_transaction_session_timeout} never ends them. Transaction-scoped and table locks are not watched and get no
 * keepalive: they live in the caller's transaction, which dblock cannot use; a server that ends it ends the lock, and
 * the caller's next statement fails.
 */
public interface LockHandle extends AutoCloseable {

    /** The keys this handle holds, in canonical order. */
    List<LockKey> keys();

    /** Exclusive or shared. */
    AdvisoryLockMode mode();

    /**
     * True until {@link #release()}; false afterwards or once dblock knows the lock was lost (for example because its
     * connection failed). Runs no SQL.
     */
    boolean isHeld();

    /**
     * Asks the server whether this hold is still held, where {@link #isHeld()} only says what dblock knows: one query
     * on the holding session itself ({@code pg_locks} on PostgreSQL, {@code IS_USED_LOCK} on MySQL/MariaDB), no pool
     * connection borrowed. A session that is gone, or that no longer holds the keys, makes the hold lost at once, as the
     * watchdog would a moment later: {@link #isHeld()} turns false and the {@link #onLost} callbacks and listeners run,
     * once. Costs one round trip; use it where acting on a stale hold is worse than that (before acting as a leader,
     * before writing what the lock protects).
     *
     * <p>Call it on the thread that acquired the lock, like {@link #release()}.
     *
     * @return true if the server confirms the hold; false if it was released or is lost
     * @throws LockUsageException if called from a thread other than the one that acquired it
     * @throws LockFailedException if the query failed for a reason that proves nothing about the hold (not a failed
     *     connection); the hold is not marked lost
     */
    boolean confirmHeld();

    /**
     * The fencing token of this hold, for a lock acquired through {@link AdvisoryLock#fenced()}: a number strictly
     * greater than every token handed out for the same key before (by any {@code DbLocks} on any node), so a resource
     * the holder writes to can reject a write carrying a smaller token than one it has seen, from a holder that lost
     * its lock without knowing. A re-entrant acquisition shares the token of the hold it re-enters. Runs no SQL.
     *
     * <p>Once dblock knows the hold is lost (the watchdog, the keepalive, {@link #confirmHeld()} or a statement on its
     * session found the session gone), the token is refused, also after the release: a write started after that must
     * not carry it. A write already under way is what the resource's own check (accept only tokens at least as new as
     * the last one) is for.
     *
     * @return the token; empty for a lock acquired without {@code fenced()}
     * @throws LockLostException if the hold is known lost, also after its release
     */
    java.util.OptionalLong fencingToken();

    /** The server's id of the connection holding the lock: the backend pid on PostgreSQL (as in {@code pg_locks.pid}). */
    long connectionId();

    /** When the lock was granted. */
    Instant acquiredAt();

    /** How long the acquisition waited, locally and on the server. */
    Duration waited();

    /**
     * Releases the lock: one statement ({@code SELECT pg_advisory_unlock(...)}) unless the thread holds the same keys
     * through another handle, in which case only the hold count drops.
     *
     * @throws LockUsageException if already released, or called from a thread other than the one that acquired it
     * @throws LockLostException if the server reports the lock was not held any more (it had been lost), or if the
     *     connection failed under the unlock (reset, or silent for 5 s):
     *     the connection is discarded and the server frees the lock with its session; the cause is the driver's error
     */
    void release();

    /**
     * Ends the hold as lost, for code that gives a hold a lease of its own (the ShedLock provider's {@code
     * lockAtMostFor}): the server frees the lock with the statement {@link #release()} sends, so other sessions can take
     * it at once; then listeners hear {@link LockListener#lost lost} (not released), with a {@link LockLostException}
     * carrying {@code reason}, and {@link #onLost} callbacks run on this thread. Afterwards {@link #isHeld()} is false and
     * {@link #fencingToken()} throws {@link LockLostException}: work still running under this hold must not write.
     *
     * <p>Call it on the thread that acquired the lock, like {@link #release()}. If the connection fails under the unlock,
     * it is discarded and the server frees the lock with its session, as for {@link #release()}; the hold is reported
     * lost either way, and nothing is thrown.
     *
     * @param reason why the hold ends, for the listeners' {@link LockLostException}; not null or blank
     * @throws LockUsageException if already released, or called from a thread other than the one that acquired it
     * @throws IllegalArgumentException if {@code reason} is blank
     */
    void revoke(String reason);

    /**
     * Registers {@code callback} to run once if the lock is found lost while held: by the watchdog (see {@link
     * DbLocks.Builder#watchdog(java.time.Duration)}), which runs it on its own daemon thread within one interval of the
     * loss, or at {@link #release()} when the connection turns out to have failed. If the lock is already known lost, the
     * callback runs at once on the calling thread. A callback's exception is logged and ignored.
     *
     * @return this handle
     */
    LockHandle onLost(java.util.function.Consumer<LockHandle> callback);

    /** Releases the lock if this handle still holds it; unlike {@link #release()}, calling it again does nothing. */
    @Override
    void close();
}
