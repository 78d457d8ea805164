package io.dblock.testing;

/**
 * One advisory lock row of {@code pg_locks}: a lock held, or waited for, by some session of the test database.
 *
 * <p>The fields are the raw {@code pg_locks} columns. PostgreSQL stores the key of {@code pg_advisory_lock(bigint)}
 * split in two: the high 32 bits in {@code classid}, the low 32 bits in {@code objid}, with {@code objsubid = 1}; the
 * two-key form {@code pg_advisory_lock(int, int)} stores the keys in {@code classid} and {@code objid} with {@code
 * objsubid = 2}. {@link #key()} reassembles the 64-bit key.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param pid the process id of the backend holding or awaiting the lock; 0 for a prepared transaction
 * @param classid {@code pg_locks.classid}
 * @param objid {@code pg_locks.objid}
 * @param objsubid {@code pg_locks.objsubid}: 1 for a 64-bit key, 2 for a pair of 32-bit keys
 * @param mode the lock mode, {@code ExclusiveLock} or {@code ShareLock}
 * @param granted {@code true} if the lock is held, {@code false} if the session is waiting for it
 */
public record HeldAdvisoryLock(int pid, long classid, long objid, int objsubid, String mode, boolean granted) {

    /**
     * Returns the 64-bit key this lock was taken with, assuming the single-key form.
     *
     * @return {@code classid << 32 | objid}; meaningful when {@code objsubid == 1}
     */
    public long key() {
        return (classid << 32) | (objid & 0xFFFF_FFFFL);
    }
}
