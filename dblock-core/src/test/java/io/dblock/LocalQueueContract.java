package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Threads of one DbLocks that want one key queue in memory: one waiting connection per key, whatever the thread count. */
@Needs
abstract class LocalQueueContract implements DriverUnderTest {

    @Test
    void eightThreadsOnAPoolOfFourNeverExhaustItAndOnlyOneWaitsOnTheServer(TestDatabase db) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(2_000); // pool exhaustion would surface as a failure within 2 s
        io.dblock.support.Probe probe = io.dblock.support.Probe.of(db);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            DbLocks locks = DbLocks.create(pool);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxInside = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            LockHandle blocker = DbLocks.create(dataSource(db)).advisory("hot").acquire();
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(threads.submit(() -> {
                    try (LockHandle h = locks.advisory("hot").acquire()) {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        inside.decrementAndGet();
                        done.incrementAndGet();
                    }
                }));
            }
            Await.until(
                    Duration.ofSeconds(10),
                    "one thread waits on the server, seven in memory",
                    () -> locks.locallyWaitingThreads() == 7 && probe.waitingForNamedLock() == 1);
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isEqualTo(1);
            blocker.release();
            int maxServerWaiters = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (done.get() < 8 && System.nanoTime() < deadline) {
                maxServerWaiters = Math.max(maxServerWaiters, probe.waitingForNamedLock());
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(done.get()).isEqualTo(8);
            assertThat(maxInside.get()).isEqualTo(1);
            assertThat(maxServerWaiters).isLessThanOrEqualTo(1);
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        } finally {
            threads.shutdownNow();
        }
    }
}
