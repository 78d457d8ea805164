package io.dblock.spring.integration;

import io.dblock.AdvisoryLock;
import io.dblock.LockHandle;
import io.dblock.LockInterruptedException;
import io.dblock.LockLostException;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * One key's {@link Lock} of a {@link DbLockRegistry}: a re-entrant wrapper over a dblock session lock.
 *
 * <p>The first {@code lock} of the owning thread acquires the database lock; nested ones count; the last {@code unlock}
 * releases it. {@code owner} is volatile so other threads see who holds the lock; {@code holds} and {@code handle} are
 * touched by the owner only, and ownership passes through the {@code DbLocks}, which orders one holder's release before
 * the next holder's acquisition.
 */
final class RegistryLock implements Lock {

    private final String key;
    private final AdvisoryLock lock;
    private volatile Thread owner;
    private volatile long lastUsed = System.currentTimeMillis();
    private int holds;
    private LockHandle handle;

    RegistryLock(String key, AdvisoryLock lock) {
        this.key = key;
        this.lock = lock.waitForever();
    }

    @Override
    public void lock() {
        if (reenter()) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    taken(lock.acquire());
                    return;
                } catch (LockInterruptedException e) {
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
        if (reenter()) {
            return;
        }
        try {
            taken(lock.acquire());
        } catch (LockInterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public boolean tryLock() {
        return reenter() || taken(lock.tryAcquire());
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        checkInterrupt();
        if (reenter()) {
            return true;
        }
        Duration wait = time <= 0 ? Duration.ZERO : Duration.ofNanos(unit.toNanos(time));
        try {
            return taken(lock.tryAcquire(wait));
        } catch (LockInterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public void unlock() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException(
                    "the current thread does not own the lock for key '" + key + "', so it cannot unlock it");
        }
        if (--holds > 0) {
            return;
        }
        LockHandle held = handle;
        handle = null;
        owner = null;
        lastUsed = System.currentTimeMillis();
        try {
            held.release();
        } catch (LockLostException e) {
            throw new ConcurrentModificationException(
                    "the database lock for key '" + key + "' was lost before unlock (its session ended); the data it"
                            + " protected may have been changed by another holder meanwhile",
                    e);
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

    private boolean reenter() {
        if (owner == Thread.currentThread()) {
            holds++;
            return true;
        }
        return false;
    }

    private boolean taken(Optional<LockHandle> granted) {
        granted.ifPresent(this::taken);
        return granted.isPresent();
    }

    private void taken(LockHandle granted) {
        handle = granted;
        holds = 1;
        owner = Thread.currentThread();
        lastUsed = System.currentTimeMillis();
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
