package io.dblock.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbc.JdbcLockProvider;

/**
 * ShedLock's {@link JdbcLockProvider} on the {@code shedlock} table, lock-at-most-for 30 s, lock-at-least-for 0.
 * ShedLock cannot wait, so a taken lock is retried at once (each try is an {@code UPDATE}), counted as a retry.
 */
final class ShedLockClient implements LockClient {

    private static final Duration LOCK_AT_MOST_FOR = Duration.ofSeconds(30);

    private final AutoCloseable pool;
    private final JdbcLockProvider provider;
    private final String lockName;
    private SimpleLock held;
    private long retries;

    ShedLockClient(HikariDataSource pool, String lockName) {
        this(pool, pool, lockName);
    }

    /** Over {@code dataSource} (the pool, or a wrapper of it); {@code pool} is closed by {@link #close()}. */
    ShedLockClient(DataSource dataSource, AutoCloseable pool, String lockName) {
        this.pool = pool;
        this.provider = new JdbcLockProvider(dataSource);
        this.lockName = lockName;
    }

    /** One attempt at {@code name}: the lock, or empty if another holds it. */
    Optional<SimpleLock> tryLock(String name) {
        return provider.lock(new LockConfiguration(ClockProvider.now(), name, LOCK_AT_MOST_FOR, Duration.ZERO));
    }

    @Override
    public void acquire() {
        Optional<SimpleLock> lock;
        while ((lock = tryLock(lockName)).isEmpty()) {
            retries++;
        }
        held = lock.get();
    }

    @Override
    public void release() {
        held.unlock();
        held = null;
    }

    @Override
    public long retries() {
        return retries;
    }

    @Override
    public void close() throws Exception {
        pool.close();
    }
}
