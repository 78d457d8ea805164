package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.support.Probe;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Session locks held from virtual threads (JDK 21+; skipped, saying so, on older JDKs): 1,000 virtual threads on 10
 * keys through a pool of 20, mutual exclusion checked inside every critical section, interrupts, and nothing left
 * behind. The virtual-thread factory is looked up reflectively, so the suite still compiles for Java 17.
 */
@Needs
abstract class VirtualThreadContract implements DriverUnderTest {

    static final int THREADS = 1_000;
    static final int KEYS = 10;

    TestDatabase db;
    HikariDataSource pool;
    DbLocks locks;
    DbLocks otherNode;
    Probe probe;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setMaximumPoolSize(20);
        config.setConnectionTimeout(30_000);
        pool = new HikariDataSource(config);
        locks = DbLocks.create(pool);
        otherNode = DbLocks.create(dataSource(db));
        probe = Probe.of(db);
    }

    @AfterEach
    void tearDown() {
        pool.close();
    }

    /** {@code Thread.ofVirtual().factory()}, or a skip on a JDK without virtual threads. */
    static ThreadFactory virtualThreads() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder")
                    .getMethod("factory")
                    .invoke(builder);
        } catch (ReflectiveOperationException e) {
            Assumptions.abort("virtual threads need JDK 21+; this is " + Runtime.version() + " (CI runs this on 25)");
            throw new AssertionError(e);
        }
    }

    @Test
    void aThousandVirtualThreadsOnTenKeysKeepMutualExclusionAndLeaveNothingBehind() throws Exception {
        ThreadFactory virtual = virtualThreads();
        AtomicIntegerArray inside = new AtomicIntegerArray(KEYS);
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger acquired = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        long start = System.nanoTime();
        try (TestThreads threads = new TestThreads(virtual, Duration.ofSeconds(30))) {
            List<TestThreads.TestThread<Void>> started = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                int key = i % KEYS;
                started.add(threads.start("virtual-" + i, () -> {
                    Optional<LockHandle> handle =
                            locks.advisory("virtual-" + key).tryAcquire(Duration.ofSeconds(60));
                    if (handle.isEmpty()) {
                        timedOut.incrementAndGet();
                        return;
                    }
                    try (LockHandle h = handle.get()) {
                        if (inside.incrementAndGet(key) != 1) {
                            violations.incrementAndGet();
                        }
                        acquired.incrementAndGet();
                        Thread.yield(); // a gap inside the critical section
                        inside.decrementAndGet(key);
                    }
                }));
            }
            TestThreads.getAll(Duration.ofSeconds(120), started);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf(
                "virtual threads on %s: %d threads, %d keys, pool 20: %d acquired, %d timed out, %d ms%n",
                db.engine(), THREADS, KEYS, acquired.get(), timedOut.get(), millis);
        assertThat(violations).as("mutual exclusion violations").hasValue(0);
        assertThat(acquired.get() + timedOut.get())
                .as("every call got its lock or timed out")
                .isEqualTo(THREADS);
        assertThat(acquired).as("with 60 s waits, every call got its lock").hasValue(THREADS);
        Await.until(
                Duration.ofSeconds(10),
                "every pool connection is back",
                () -> pool.getHikariPoolMXBean().getActiveConnections() == 0);
        for (int key = 0; key < KEYS; key++) {
            assertThat(otherNode.advisory("virtual-" + key).isLocked())
                    .as("no server lock left on key %d", key)
                    .isFalse();
        }
    }

    /**
     * An interrupt ends a virtual thread's wait with {@link LockInterruptedException}: for a virtual thread blocked on a
     * socket, the JDK closes the socket, so the connection goes with it. MariaDB drops the waiting session at once.
     * PostgreSQL does not notice a closed client socket while the backend waits for a lock: the dead backend stays
     * queued until the holder lets go, then takes the lock, fails to answer and ends, freeing it. Either way no lock is
     * left behind once the holder releases, and no pool connection is lost.
     */
    @Test
    void interruptingAWaitingVirtualThreadEndsItsWaitAndLeavesNoLock() throws Exception {
        ThreadFactory virtual = virtualThreads();
        LockHandle held = otherNode.advisory("virtual-interrupted").acquire();
        try (TestThreads threads = new TestThreads(virtual)) {
            TestThreads.TestThread<Throwable> waiter = threads.start("virtual-waiter", () -> {
                try {
                    locks.advisory("virtual-interrupted").acquire().release();
                    return null;
                } catch (LockInterruptedException e) {
                    return e;
                }
            });
            Await.until(
                    Duration.ofSeconds(10),
                    "the virtual thread waits on the server",
                    () -> probe.waitingForNamedLock() == 1);
            long interrupted = System.nanoTime();
            waiter.interrupt();
            Throwable outcome = waiter.get(Duration.ofSeconds(10));
            assertThat(outcome).isInstanceOf(LockInterruptedException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(2));
            if (!db.engine().equals("PostgreSQL")) {
                Await.until(
                        Duration.ofSeconds(10), "no waiter left on the server", () -> probe.waitingForNamedLock() == 0);
            }
        } finally {
            held.release();
        }
        Await.until(
                Duration.ofSeconds(10),
                "no waiter and no holder left on the server",
                () -> probe.waitingForNamedLock() == 0
                        && !otherNode.advisory("virtual-interrupted").isLocked());
        Await.until(
                Duration.ofSeconds(10),
                "every pool connection is back",
                () -> pool.getHikariPoolMXBean().getActiveConnections() == 0);
    }
}
