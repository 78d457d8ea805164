package io.dblock.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Spring Integration's {@link JdbcLockRegistry} with default settings (10 s time to live, 100 ms between tries) over
 * a {@link DefaultLockRepository} of its own, wired as its application context would: a {@link
 * DataSourceTransactionManager} over the node's pool. Waits with {@code tryLock(timeout)}, retried on timeout.
 */
final class RegistryClient implements LockClient {

    private final AutoCloseable pool;
    private final DefaultLockRepository repository;
    private final JdbcLockRegistry registry;
    private final String lockName;
    private final Duration wait;
    private Lock held;
    private long retries;

    RegistryClient(HikariDataSource pool, String lockName, Duration wait) {
        this(pool, pool, lockName, wait);
    }

    /** Over {@code dataSource} (the pool, or a wrapper of it); {@code pool} is closed by {@link #close()}. */
    RegistryClient(DataSource dataSource, AutoCloseable pool, String lockName, Duration wait) {
        this.pool = pool;
        this.lockName = lockName;
        this.wait = wait;
        repository = new DefaultLockRepository(dataSource);
        repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
        repository.afterPropertiesSet();
        repository.afterSingletonsInstantiated();
        registry = new JdbcLockRegistry(repository);
    }

    /** The registry, for the many-keys scenario. */
    JdbcLockRegistry registry() {
        return registry;
    }

    @Override
    public void acquire() throws InterruptedException {
        Lock lock = registry.obtain(lockName);
        while (!lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            retries++;
        }
        held = lock;
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
        try {
            repository.close();
        } finally {
            pool.close();
        }
    }
}
