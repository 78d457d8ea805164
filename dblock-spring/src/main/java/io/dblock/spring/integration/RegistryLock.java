package io.dblock.spring.integration;

import io.dblock.AdvisoryLock;
import io.dblock.LockHandle;
import io.dblock.LockInterruptedException;
import io.dblock.LockLostException;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * One key's {@link Lock} of a {@link DbLockRegistry}: a re-entrant wrapper over a dblock session lock.
 *
 * <p>The first {@code lock} of the owning thread acquires the database lock; nested ones count; the last {@code unlock}
 * releases it. {@code owner} is volatile so other threads see who holds the lock; {@code holds}, {@code handle} and
 * {@code lostMeanwhile} are touched by the owner only, and ownership passes through the {@code DbLocks}, which orders
 * one holder's release before the next holder's acquisition.
 *
 * <p>Lost means lost: a nested {@code lock}/{@code tryLock} first asks the server whether the hold is still alive
 * ({@link LockHandle#confirmHeld()}, one round trip), and a lost hold is never re-entered from the count. Its unlocks
 * still pair with the thread's earlier locks, so they carry over: if the fresh acquisition is granted, the count goes
 * on on the new hold and the last {@code unlock} throws; if not, the thread no longer owns the lock and each of its
 * outstanding {@code unlock}s throws {@link ConcurrentModificationException}.
 */
final class RegistryLock implements Lock {

    private final String key;
    private final AdvisoryLock lock;

    /** A {@link #tryLock(long, TimeUnit)} wait at least this long waits without limit. */
    static final Duration AS_LONG_AS_IT_TAKES = Duration.ofDays(24);

    private volatile Thread owner;
    private volatile long lastUsed = System.currentTimeMillis();
    private int holds;
    private LockHandle handle;
    /** The owner's hold was lost at some point (and acquired again): its last unlock throws. */
    private boolean lostMeanwhile;
    /** The current hold's loss flag, set by its {@code onLost} callback (on the watchdog's or the owner's thread). */
    private AtomicBoolean lost = new AtomicBoolean();
    /** A thread whose hold was lost and not re-acquired, with the unlocks it still owes; owner-side only otherwise. */
    private volatile Thread lostBy;

    private int lostHolds;

    /** This lock as the registry hands it out: a {@code DistributedLock} on Spring Integration 7. */
    private final Lock exposed;

    RegistryLock(String key, AdvisoryLock lock) {
        this.key = key;
        this.lock = lock.waitForever();
        this.exposed = DistributedLocks.expose(this);
    }

    Lock exposed() {
        return exposed;
    }

    @Override
    public void lock() {
        int carried = reenterOrCarry();
        if (carried < 0) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    taken(lock.acquire(), carried);
                    return;
                } catch (RuntimeException e) {
                    if (!(e instanceof LockInterruptedException)) {
                        orphan(carried);
                        throw e;
                    }
                    // lock() is not interruptible: clear the flag so the wait can start again, and set it at the end
                    Thread.interrupted();
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        checkInterrupt();
        int carried = reenterOrCarry();
        if (carried < 0) {
            return;
        }
        try {
            taken(lock.acquire(), carried);
        } catch (LockInterruptedException e) {
            orphan(carried);
            throw interrupted(e);
        } catch (RuntimeException e) {
            orphan(carried);
            throw e;
        }
    }

    @Override
    public boolean tryLock() {
        int carried = reenterOrCarry();
        if (carried < 0) {
            return true;
        }
        try {
            return taken(lock.tryAcquire(), carried);
        } catch (RuntimeException e) {
            orphan(carried);
            throw e;
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        checkInterrupt();
        int carried = reenterOrCarry();
        if (carried < 0) {
            return true;
        }
        Duration wait = time <= 0 ? Duration.ZERO : Duration.ofNanos(unit.toNanos(time));
        try {
            if (wait.compareTo(AS_LONG_AS_IT_TAKES) >= 0) {
                // Lock's callers write tryLock(Long.MAX_VALUE, ...) for "as long as it takes": beyond what any engine
                // can set as one wait (PostgreSQL about 24.9 days), the wait has no limit
                return taken(Optional.of(lock.acquire()), carried);
            }
            return taken(lock.tryAcquire(wait), carried);
        } catch (LockInterruptedException e) {
            orphan(carried);
            throw interrupted(e);
        } catch (RuntimeException e) {
            orphan(carried);
            throw e;
        }
    }

    @Override
    public void unlock() {
        Thread me = Thread.currentThread();
        if (owner != me) {
            if (lostBy == me && lostHolds > 0) {
                if (--lostHolds == 0) {
                    lostBy = null;
                }
                throw lostLock(null);
            }
            throw new IllegalMonitorStateException(
                    "the current thread does not own the lock for key '" + key + "', so it cannot unlock it");
        }
        if (--holds > 0) {
            return;
        }
        LockHandle held = handle;
        AtomicBoolean heldLost = lost;
        boolean wasLost = lostMeanwhile || heldLost.get();
        handle = null;
        lostMeanwhile = false;
        owner = null;
        lastUsed = System.currentTimeMillis();
        try {
            held.release();
        } catch (LockLostException e) {
            throw lostLock(e);
        }
        if (wasLost || heldLost.get()) {
            // the release found the session dead (and reported the hold lost), or it had been lost before
            throw lostLock(null);
        }
    }

    /**
     * Spring Integration 7's {@code DistributedLock.lock(Duration)}: {@link #lock()}. A session lock has no time to
     * live; {@code ttl} is checked and otherwise not used (see {@link DbLockRegistry}).
     *
     * @throws IllegalArgumentException if {@code ttl} is null, zero or negative
     */
    public void lock(Duration ttl) {
        checkTtl(ttl);
        lock();
    }

    /**
     * Spring Integration 7's {@code DistributedLock.tryLock(Duration, Duration)}: {@link #tryLock(long, TimeUnit)};
     * {@code ttl} is checked and otherwise not used.
     *
     * @throws IllegalArgumentException if {@code ttl} is null, zero or negative, or {@code waitTime} is null
     */
    public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
        java.util.Objects.requireNonNull(waitTime, "waitTime must not be null");
        checkTtl(ttl);
        return tryLock(saturatedNanos(waitTime), TimeUnit.NANOSECONDS);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }

    private static void checkTtl(Duration ttl) {
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("a lock's time to live must be positive, got " + ttl);
        }
    }

    /**
     * {@code RenewableLockRegistry.renewLock}: asks the holding session whether it still holds the key (one query,
     * {@link LockHandle#confirmHeld()}); there is no time to live to push back.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold this lock
     * @throws ConcurrentModificationException if the hold is lost (its session ended): the last {@code unlock()}
     *     throws too
     */
    void renew() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException(
                    "the current thread does not own the lock for key '" + key + "', so it cannot renew it");
        }
        if (lost.get() || !handle.confirmHeld()) {
            lostMeanwhile = true;
            throw lostLock(null);
        }
    }

    /** Database locks have no conditions: use a {@code java.util.concurrent} lock beside this one if you need one. */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("a DbLockRegistry lock is a database lock and has no conditions");
    }

    boolean isHeld() {
        return owner != null;
    }

    long lastUsed() {
        return lastUsed;
    }

    /**
     * On the owner thread: confirms the hold with the server and counts up ({@code -1}: re-entered), or, if it is lost,
     * drops it and returns the count the fresh acquisition must carry. Elsewhere: {@code 0}, a plain acquisition.
     */
    private int reenterOrCarry() {
        if (owner != Thread.currentThread()) {
            return 0;
        }
        if (!lost.get() && handle.confirmHeld()) {
            holds++;
            return -1;
        }
        int carried = holds;
        LockHandle dead = handle;
        handle = null;
        holds = 0;
        owner = null;
        try {
            dead.close(); // frees this thread's local claim; the server freed the lock with the session
        } catch (RuntimeException e) {
            // it is lost either way; what the release says about it adds nothing
        }
        return carried;
    }

    /** A fresh acquisition that carried a lost hold's count failed: the thread's outstanding unlocks throw. */
    private void orphan(int carried) {
        if (carried > 0) {
            lostHolds = carried;
            lostBy = Thread.currentThread();
        }
    }

    private boolean taken(Optional<LockHandle> granted, int carried) {
        if (granted.isPresent()) {
            taken(granted.get(), carried);
            return true;
        }
        orphan(carried);
        return false;
    }

    private void taken(LockHandle granted, int carried) {
        AtomicBoolean flag = new AtomicBoolean();
        lost = flag;
        granted.onLost(h -> flag.set(true));
        handle = granted;
        holds = carried + 1;
        lostMeanwhile = carried > 0;
        owner = Thread.currentThread();
        if (lostBy == owner) {
            lostBy = null;
            lostHolds = 0;
        }
        lastUsed = System.currentTimeMillis();
    }

    private ConcurrentModificationException lostLock(LockLostException cause) {
        return new ConcurrentModificationException(
                "the database lock for key '" + key + "' was lost before unlock (its session ended); the data it"
                        + " protected may have been changed by another holder meanwhile",
                cause);
    }

    private static void checkInterrupt() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before locking");
        }
    }

    private InterruptedException interrupted(LockInterruptedException cause) {
        Thread.interrupted();
        InterruptedException e =
                new InterruptedException("interrupted while waiting for the lock for key '" + key + "'");
        e.initCause(cause);
        return e;
    }

    @Override
    public String toString() {
        Thread holder = owner;
        return "DbLockRegistry lock '" + key + "'"
                + (holder == null ? " (free here)" : " (held by " + holder.getName() + ")");
    }
}
