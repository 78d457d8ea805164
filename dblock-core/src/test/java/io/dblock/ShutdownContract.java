package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DbLocks#close(Duration)}: holders are told first (lost at once), given the grace to finish, and only then are
 * their sessions ended; nothing new is granted after.
 */
@Needs
abstract class ShutdownContract implements DriverUnderTest {

    DbLocks locks;
    DbLocks otherNode;

    @BeforeEach
    void setUp(TestDatabase db) {
        locks = DbLocks.builder(dataSource(db)).watchdog(Duration.ZERO).build();
        otherNode = DbLocks.create(dataSource(db));
    }

    /** A thread that holds {@code key} until {@code finish} opens, then releases it; {@code held} opens once held. */
    private Thread holder(
            String key, CountDownLatch held, CountDownLatch finish, CountDownLatch told, AtomicLong toldAt) {
        Thread t = new Thread(
                () -> {
                    LockHandle h = locks.advisory(key).acquire();
                    h.onLost(lost -> {
                        toldAt.set(System.nanoTime());
                        told.countDown();
                    });
                    held.countDown();
                    try {
                        finish.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        h.release();
                    }
                },
                "shutdown-holder-" + key);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Thread closer(DbLocks locks, Duration grace, CompletableFuture<Long> closedAt) {
        Thread t = new Thread(
                () -> {
                    locks.close(grace);
                    closedAt.complete(System.nanoTime());
                },
                "closer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void closeTellsHoldersFirstWaitsForThemThenTheServerFreesTheLock() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CountDownLatch told = new CountDownLatch(1);
        AtomicLong toldAt = new AtomicLong();
        Thread work = holder("shutdown-graceful", held, finish, told, toldAt);
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        CompletableFuture<Long> closedAt = new CompletableFuture<>();
        Thread closing = closer(locks, Duration.ofSeconds(20), closedAt);
        assertThat(told.await(5, TimeUnit.SECONDS))
                .as("the holder is told at once")
                .isTrue();
        // told, but still within the grace: the lock is still the holder's on the server, and close() waits
        assertThat(otherNode.advisory("shutdown-graceful").isLocked()).isTrue();
        assertThat(closedAt).isNotDone();
        assertThatThrownBy(() -> locks.advisory("shutdown-new").tryAcquire())
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("closed");

        finish.countDown(); // the holder finishes its work and releases
        long closed = closedAt.get(10, TimeUnit.SECONDS);
        work.join(10_000);
        closing.join(10_000);
        Await.until(Duration.ofSeconds(10), "the server frees the lock", () -> !otherNode
                .advisory("shutdown-graceful")
                .isLocked());
        System.out.printf(
                "shutdown timeline: holder told after %d ms; it then finished and released; close() returned after %d"
                        + " ms (grace 20 s)%n",
                TimeUnit.NANOSECONDS.toMillis(toldAt.get() - start), TimeUnit.NANOSECONDS.toMillis(closed - start));
        assertThat(Duration.ofNanos(closed - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aHolderStillRunningAfterTheGraceHasItsSessionEnded() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CountDownLatch told = new CountDownLatch(1);
        Thread work = holder("shutdown-stuck", held, finish, told, new AtomicLong());
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        locks.close(Duration.ofMillis(300));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(told.getCount()).as("the holder was told").isZero();
        Await.until(Duration.ofSeconds(10), "the server frees the stuck holder's lock", () -> !otherNode
                .advisory("shutdown-stuck")
                .isLocked());
        try (LockHandle taken =
                otherNode.advisory("shutdown-stuck").tryAcquire().orElseThrow()) {
            assertThat(taken.isHeld()).isTrue();
        }
        System.out.println("shutdown with a stuck holder: close(300 ms) returned after " + took + " ms");
        assertThat(took).isGreaterThanOrEqualTo(300);

        finish.countDown(); // the stuck holder's release later is quiet: its session is gone, it knew
        work.join(10_000);
        assertThat(work.isAlive()).isFalse();
        locks.close(); // idempotent
    }

    @Test
    void closeIsRefusedForANegativeGraceAndIdempotent() {
        assertThatThrownBy(() -> locks.close(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        locks.close(Duration.ZERO);
        locks.close(Duration.ZERO);
        assertThatThrownBy(() -> locks.advisory("after-close").acquire()).isInstanceOf(LockUsageException.class);
    }

    @Test
    void afterCloseEveryCallThatWouldRunSqlFailsAndTheGettersStillAnswer(TestDatabase db) throws Exception {
        AdvisoryLock lock = locks.advisory("after-close");
        TableLock table = locks.tables("dblock_after_close");
        io.dblock.inspect.LockInspector inspector = locks.inspector();
        locks.close(Duration.ZERO);

        assertClosed(lock::acquire);
        assertClosed(lock::tryAcquire);
        assertClosed(lock::isLocked);
        assertClosed(lock::holderConnectionIds);
        assertClosed(() -> locks.advisory("made-after-close").acquire());
        assertClosed(inspector::locks);
        assertClosed(() -> locks.inspector().waits());
        assertClosed(() -> table.inTransaction(c -> null));
        assertClosed(locks::createFencingTable);
        assertClosed(() -> locks.namesHeldWithPrefix("after-close"));
        try (java.sql.Connection c = dataSource(db).getConnection()) {
            c.setAutoCommit(false);
            assertClosed(() -> locks.lockTimeout(c, Duration.ofSeconds(1)));
            assertClosed(() -> lock.acquireForTransaction(c));
            assertClosed(() -> table.acquire(c));
            c.rollback();
        }
        assertThat(locks.engineName()).isNotEmpty();
        assertThat(locks.serverVersion()).isNotEmpty();
        assertThat(locks.shutdownGrace()).isEqualTo(Duration.ofSeconds(DbLocks.DEFAULT_SHUTDOWN_GRACE_SECONDS));
        assertThat(locks.fencingTableDdl()).contains("dblock_fencing_token");
    }

    private static void assertClosed(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(LockUsageException.class).hasMessageContaining("this DbLocks is closed");
    }

    @Test
    void noBackgroundThreadOfTheInstanceOutlivesItsClose(TestDatabase db) throws Exception {
        DbLocks watched =
                DbLocks.builder(dataSource(db)).watchdog(Duration.ofMillis(50)).build();
        String prefix = prefixOfTheNewestInstance();
        // work for the other thread: a wait on the server, whose interrupts are watched
        try (LockHandle blocker = otherNode.advisory("threads").acquire()) {
            assertThat(watched.advisory("threads").tryAcquire(Duration.ofMillis(100)))
                    .isEmpty();
        }
        watched.advisory("threads").acquire(); // dropped unreleased: the look for collected handles is armed
        java.util.List<Thread> started = threadsNamed(prefix);
        assertThat(started).extracting(Thread::getName).contains(prefix + "watchdog", prefix + "interrupts");

        watched.close(Duration.ZERO);

        for (Thread t : started) {
            t.join(10_000);
            assertThat(t.isAlive()).as(t.getName() + " ended").isFalse();
        }
        assertThat(threadsNamed(prefix)).isEmpty();
        assertThat(otherNode.advisory("threads").isLocked())
                .as("close ended the session of the dropped hold")
                .isFalse();
    }

    private static java.util.List<Thread> dblockThreads() {
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("dblock-")) {
                threads.add(t);
            }
        }
        return threads;
    }

    /**
     * The name prefix {@code dblock-<n>-} of the newest instance's threads (instances are numbered as they are made; its
     * watchdog thread starts at once).
     */
    private static String prefixOfTheNewestInstance() {
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("dblock-(\\d+)-.*");
        int newest = dblockThreads().stream()
                .map(t -> name.matcher(t.getName()))
                .filter(java.util.regex.Matcher::matches)
                .mapToInt(m -> Integer.parseInt(m.group(1)))
                .max()
                .orElseThrow();
        return "dblock-" + newest + "-";
    }

    private static java.util.List<Thread> threadsNamed(String prefix) {
        return dblockThreads().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
                .collect(java.util.stream.Collectors.toList());
    }
}
