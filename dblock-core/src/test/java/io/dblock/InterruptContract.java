package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.support.Server;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@Needs
abstract class InterruptContract implements DriverUnderTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    HikariDataSource pool;
    DbLocks locks;
    DbLocks otherNode;
    Server server;
    io.dblock.support.Probe probe;

    @BeforeEach
    void setUp(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
        locks = DbLocks.create(pool);
        otherNode = DbLocks.create(dataSource(db));
        server = new Server(db.dataSource());
        probe = io.dblock.support.Probe.of(db);
    }

    @AfterEach
    void tearDown() {
        pool.close();
    }

    /** Runs {@code work} on a new thread and records what it threw and whether its interrupt flag was set then. */
    static final class Waiter {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        final Thread thread;

        Waiter(Runnable work) {
            thread = new Thread(() -> {
                try {
                    work.run();
                } catch (Throwable t) {
                    thrown.set(t);
                } finally {
                    flagAfter.set(Thread.currentThread().isInterrupted());
                    done.countDown();
                }
            });
            thread.start();
        }
    }

    @Test
    void interruptCancelsTheServerWaitPromptlyAndKeepsTheFlag() throws Exception {
        try (LockHandle blocker = otherNode.advisory("int").acquire()) {
            Waiter waiter = new Waiter(() -> locks.advisory("int").acquire().close());
            Await.until(
                    Duration.ofSeconds(10), "the waiter waits on the server", () -> probe.waitingForNamedLock() == 1);
            long interruptedAt = System.nanoTime();
            waiter.thread.interrupt();
            assertThat(waiter.done.await(1, TimeUnit.SECONDS))
                    .as("returned within a second")
                    .isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(Duration.ofSeconds(1));
            assertThat(waiter.thrown.get()).isInstanceOf(LockInterruptedException.class);
            assertThat(waiter.flagAfter.get()).isTrue();
            Await.until(Duration.ofSeconds(5), "nobody waits any more", () -> probe.waitingForNamedLock() == 0);
            assertThat(locks.advisory("int").holderConnectionIds()).containsExactly(blocker.connectionId());
        }
        // the connection came back to the pool clean: both pooled connections can lock and unlock
        threads.start("locks-and-unlocks", () -> locks.advisory("int").acquire().close())
                .get(10, TimeUnit.SECONDS);
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
    }

    @Test
    void interruptEndsALocalWaitToo() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        TestThreads.TestThread<Void> holder = threads.start("holder", () -> {
            try (LockHandle h = locks.advisory("local").acquire()) {
                held.countDown();
                finish.await(30, TimeUnit.SECONDS);
            }
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        Waiter waiter = new Waiter(() -> locks.advisory("local").acquire().close());
        Await.until(Duration.ofSeconds(10), "the waiter queues locally", () -> locks.locallyWaitingThreads() == 1);
        waiter.thread.interrupt();
        assertThat(waiter.done.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(waiter.thrown.get()).isInstanceOf(LockInterruptedException.class);
        assertThat(waiter.flagAfter.get()).isTrue();
        finish.countDown();
        holder.get(10, TimeUnit.SECONDS);
    }

    @Test
    void alreadyInterruptedThreadFailsFastWithoutSql() throws Exception {
        Waiter waiter = new Waiter(() -> {
            Thread.currentThread().interrupt();
            locks.advisory("x").acquire().close();
        });
        assertThat(waiter.done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(waiter.thrown.get()).isInstanceOf(LockInterruptedException.class);
        assertThat(waiter.flagAfter.get()).isTrue();
    }

    /** Nothing waits when a thread re-enters a lock it holds: the interrupt flag is kept, and the call succeeds. */
    @Test
    void aReentrantAcquireWithTheInterruptFlagSetSucceedsAndKeepsTheFlag() throws Exception {
        Waiter waiter = new Waiter(() -> {
            try (LockHandle outer = locks.advisory("reentered-interrupted").acquire()) {
                Thread.currentThread().interrupt();
                try (LockHandle inner = locks.advisory("reentered-interrupted").acquire()) {
                    assertThat(inner.connectionId()).isEqualTo(outer.connectionId());
                }
                assertThat(locks.advisory("reentered-interrupted").tryAcquire())
                        .isPresent()
                        .get()
                        .satisfies(h -> {
                            h.release();
                        });
            }
        });
        assertThat(waiter.done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(waiter.thrown.get()).isNull();
        assertThat(waiter.flagAfter.get()).isTrue();
    }
}
