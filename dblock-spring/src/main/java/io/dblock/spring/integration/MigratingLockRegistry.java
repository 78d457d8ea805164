package io.dblock.spring.integration;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * For a rolling migration to {@link DbLockRegistry}: each lock is the previous registry's lock (Spring Integration's
 * {@code JdbcLockRegistry} on the {@code INT_LOCK} table, or any other) and dblock's, taken in that order and released
 * in the reverse order, so nodes not yet migrated, nodes running this registry, and nodes already on dblock alone never
 * hold a key together.
 *
 * <ol>
 *   <li>Deploy this registry node by node: nodes still on the old registry meet its lock, which this one takes first.
 *   <li>Once every node runs it, deploy {@code DbLockRegistry} alone, node by node: nodes still on this registry meet
 *       dblock's lock, which this one takes second.
 *   <li>Drop the old table.
 * </ol>
 *
 * <p>No deadlock comes from the two locks: every node that takes both takes the previous one first, and the nodes on
 * either registry alone take one lock only. A wait ({@code lock}, {@code lockInterruptibly}, {@code tryLock(time,
 * unit)}) spends its time on the first lock, then what is left on the second; if the second is not granted, the first
 * is unlocked again and the call fails as the second did. Both locks are re-entrant, so this one is; leader election
 * ({@code LockRegistryLeaderInitiator}) sees a loss of either lock at its next {@code tryLock} or {@code unlock}.
 *
 * <p>Thread-safe if both registries are.
 */
public final class MigratingLockRegistry implements LockRegistry {

    private final LockRegistry previous;
    private final DbLockRegistry dblock;

    /**
     * A registry whose locks are both registries' locks.
     *
     * @param previous the registry the other nodes use today, locked first
     * @param dblock the registry the nodes move to, locked second
     */
    public MigratingLockRegistry(LockRegistry previous, DbLockRegistry dblock) {
        this.previous = Objects.requireNonNull(previous, "previous must not be null");
        this.dblock = Objects.requireNonNull(dblock, "dblock must not be null");
    }

    @Override
    public Lock obtain(Object lockKey) {
        Objects.requireNonNull(lockKey, "lockKey must not be null");
        return new BothLocks(previous.obtain(lockKey), dblock.obtain(lockKey));
    }

    @Override
    public String toString() {
        return "MigratingLockRegistry[" + previous + ", then " + dblock + "]";
    }

    /** The previous registry's lock, then dblock's. */
    private record BothLocks(Lock first, Lock second) implements Lock {

        @Override
        public void lock() {
            first.lock();
            try {
                second.lock();
            } catch (RuntimeException | Error e) {
                first.unlock();
                throw e;
            }
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            first.lockInterruptibly();
            try {
                second.lockInterruptibly();
            } catch (InterruptedException | RuntimeException | Error e) {
                first.unlock();
                throw e;
            }
        }

        @Override
        public boolean tryLock() {
            if (!first.tryLock()) {
                return false;
            }
            boolean granted = false;
            try {
                granted = second.tryLock();
                return granted;
            } finally {
                if (!granted) {
                    first.unlock();
                }
            }
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            long wait = unit.toNanos(Math.max(0, time));
            long start = System.nanoTime();
            if (!first.tryLock(time, unit)) {
                return false;
            }
            boolean granted = false;
            try {
                granted = second.tryLock(Math.max(0, wait - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
                return granted;
            } finally {
                if (!granted) {
                    first.unlock();
                }
            }
        }

        @Override
        public void unlock() {
            try {
                second.unlock();
            } finally {
                first.unlock();
            }
        }

        /** Database locks have no conditions. */
        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException(
                    "a MigratingLockRegistry lock is a database lock and has no conditions");
        }
    }
}
