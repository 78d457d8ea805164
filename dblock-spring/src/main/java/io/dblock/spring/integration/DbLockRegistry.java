package io.dblock.spring.integration;

import io.dblock.DbLocks;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * Spring Integration's {@link LockRegistry} backed by dblock advisory session locks: a drop-in replacement for {@code
 * JdbcLockRegistry} (no lock table) or {@code RedisLockRegistry} when the nodes share a database.
 *
 * <pre>{@code
 * @Bean
 * LockRegistry lockRegistry(DbLocks locks) {
 *     return new DbLockRegistry(locks);          // was: new JdbcLockRegistry(lockRepository)
 * }
 * }</pre>
 *
 * <p>{@link #obtain(Object)} takes a {@code String} key and returns a {@link Lock} over the advisory key {@code
 * LockKey.of(keyPrefix + key)}: {@code pg_advisory_lock} on PostgreSQL, {@code GET_LOCK} on MySQL/MariaDB, on a
 * connection pinned to the locking thread until its last lock is released. The same key gives the same {@code Lock}
 * instance while it stays in the cache (at most {@link #setCacheCapacity(int) capacity} keys, least recently used
 * evicted first; an evicted key's lock keeps working and excluding, since exclusion lives in the database and in the
 * {@code DbLocks}, not in the instance). See {@link #obtain(Object)} for each {@code Lock} method's behaviour.
 *
 * <p><b>No time to live.</b> A database session lock lasts until {@code unlock()}, or until the holder's session
 * ends (process exit, terminated backend; on a silent network within the {@code DbLocks}' silent-client bound), which
 * covers what a TTL is for. Locks lost that way make {@code unlock()} throw {@link
 * java.util.ConcurrentModificationException}, as {@code JdbcLockRegistry} does for an expired lock. So {@link
 * #renewLock(Object)} (this is a {@code RenewableLockRegistry}) confirms the hold with the server instead of pushing
 * a TTL back, and on Spring Integration 7 the locks {@link #obtain(Object)} returns implement its {@code
 * DistributedLock}: {@code lock(ttl)} and {@code tryLock(waitTime, ttl)} check {@code ttl} (positive) and then behave
 * as {@code lock()} and {@code tryLock(waitTime)}; the lock is not released when {@code ttl} passes. A renewal
 * scheduler ({@code setRenewalTaskScheduler}) is not needed and not used.
 *
 * <p>Thread-safe.
 */
public final class DbLockRegistry implements ExpirableLockRegistry, RenewableLockRegistry {

    /** Default {@link #setCacheCapacity(int) cache capacity}, as {@code JdbcLockRegistry}'s. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private final DbLocks locks;
    private final String keyPrefix;
    private final Object monitor = new Object();
    private final LinkedHashMap<String, RegistryLock> cache = new LinkedHashMap<>(16, 0.75f, true);
    private int capacity = DEFAULT_CAPACITY;

    /** A registry whose keys are the advisory keys themselves ({@code obtain("a")} locks {@code LockKey.of("a")}). */
    public DbLockRegistry(DbLocks locks) {
        this(locks, "");
    }

    /**
     * A registry whose keys are prefixed, so they cannot collide with other uses of the same names: {@code
     * obtain("a")} locks {@code LockKey.of(keyPrefix + "a")}.
     */
    public DbLockRegistry(DbLocks locks, String keyPrefix) {
        this.locks = Objects.requireNonNull(locks, "locks must not be null");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
    }

    /**
     * Returns the lock for {@code lockKey}.
     *
     * <ul>
     *   <li>{@code lock()}: waits without limit on the server; an interrupt does not stop it (the server wait is
     *       cancelled and started again), and the thread's interrupt flag is set again once the lock is held.
     *   <li>{@code lockInterruptibly()}, {@code tryLock(time, unit)}: an interrupt cancels the server wait within
     *       about 20 ms and throws {@link InterruptedException} (flag cleared, as the {@code Lock} contract says).
     *   <li>{@code tryLock()}: does not wait.
     *   <li>Re-entrant per thread, and must be unlocked as often. A nested {@code lock}/{@code tryLock} first asks the
     *       server whether the thread's hold is still alive: one query on the holding session ({@link
     *       io.dblock.LockHandle#confirmHeld()}), so a loop that re-enters on every cycle, as Spring Integration's
     *       {@code LockRegistryLeaderInitiator} does, learns of a lost lock on its next cycle. A lost hold is never
     *       re-entered from the count: the call acquires afresh (waiting as the call says), and the thread's earlier
     *       locks carry over to the new hold, whose last {@code unlock()} then throws {@link
     *       java.util.ConcurrentModificationException}; if the fresh acquisition fails, the call fails as a first
     *       acquisition would ({@code false}, an exception), and each of the thread's outstanding {@code unlock()}s
     *       throws {@code ConcurrentModificationException}.
     *   <li>{@code unlock()} of a lock lost with its session (found by the watchdog, by the release itself, or by a
     *       nested lock) releases what is left and throws {@link java.util.ConcurrentModificationException}.
     *   <li>{@code unlock()} by a thread that does not hold the lock: {@link IllegalMonitorStateException}.
     *   <li>{@code newCondition()}: {@link UnsupportedOperationException}.
     *   <li>Failures of the database: dblock's unchecked {@link io.dblock.LockException}s, e.g. {@link
     *       io.dblock.LockDeadlockException} when two threads lock two keys in opposite order.
     * </ul>
     *
     * @param lockKey a {@code String}
     * @throws IllegalArgumentException if {@code lockKey} is not a {@code String}
     */
    @Override
    public Lock obtain(Object lockKey) {
        if (!(lockKey instanceof String key)) {
            throw new IllegalArgumentException("DbLockRegistry keys must be Strings, got "
                    + (lockKey == null ? "null" : lockKey.getClass().getName()));
        }
        synchronized (monitor) {
            RegistryLock lock = cache.computeIfAbsent(key, k -> new RegistryLock(k, locks.advisory(keyPrefix + k)));
            trim();
            return lock.exposed();
        }
    }

    /**
     * Confirms that the current thread still holds the lock of {@code lockKey}: one query on the holding session. There
     * is no time to live to renew (see the class comment).
     *
     * @throws IllegalMonitorStateException if the current thread does not hold it
     * @throws java.util.ConcurrentModificationException if the hold is lost (its session ended)
     * @throws IllegalArgumentException if {@code lockKey} is not a {@code String}
     */
    @Override
    public void renewLock(Object lockKey) {
        RegistryLock lock;
        synchronized (monitor) {
            lock = lockKey instanceof String key ? cache.get(key) : null;
        }
        if (lock == null) {
            obtain(lockKey); // a wrong key type throws here
            throw new IllegalMonitorStateException(
                    "the current thread does not own the lock for key '" + lockKey + "', so it cannot renew it");
        }
        lock.renew();
    }

    /**
     * Spring Integration 7's {@code renewLock(key, ttl)}: as {@link #renewLock(Object)}; {@code ttl} is checked
     * (positive) and otherwise not used.
     *
     * @throws IllegalArgumentException if {@code ttl} is null, zero or negative
     */
    public void renewLock(Object lockKey, java.time.Duration ttl) {
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("a lock's time to live must be positive, got " + ttl);
        }
        renewLock(lockKey);
    }

    /**
     * Drops from the cache the locks that nobody holds and that were last locked or unlocked more than {@code age}
     * milliseconds ago. Holds nothing on the server either way; a later {@link #obtain(Object)} makes a new instance.
     */
    @Override
    public void expireUnusedOlderThan(long age) {
        long now = System.currentTimeMillis();
        synchronized (monitor) {
            for (Iterator<RegistryLock> it = cache.values().iterator(); it.hasNext(); ) {
                RegistryLock lock = it.next();
                if (!lock.isHeld() && now - lock.lastUsed() > age) {
                    it.remove();
                }
            }
        }
    }

    /**
     * How many keys' lock instances to keep; the least recently obtained beyond that are dropped. Default {@value
     * #DEFAULT_CAPACITY}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public void setCacheCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be positive: " + capacity);
        }
        synchronized (monitor) {
            this.capacity = capacity;
            trim();
        }
    }

    private void trim() {
        Iterator<Map.Entry<String, RegistryLock>> it = cache.entrySet().iterator();
        while (cache.size() > capacity && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** Number of lock instances in the cache (diagnostics). */
    public int cachedLocks() {
        synchronized (monitor) {
            return cache.size();
        }
    }

    @Override
    public String toString() {
        return "DbLockRegistry[" + locks.engineName() + ", prefix '" + keyPrefix + "']";
    }
}
