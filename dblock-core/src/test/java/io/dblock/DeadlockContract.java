package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Two threads take two locks in opposite order. Whether the cycle is seen by the server (threads of different {@link
 * DbLocks}, i.e. different nodes) or by dblock itself (threads of one {@link DbLocks}, queued locally), exactly one of
 * them gets {@link LockDeadlockException} and the other proceeds (on MySQL and MariaDB the server may pick both);
 * nothing hangs.
 */
@Needs
abstract class DeadlockContract implements DriverUnderTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    static DbLocks pinned(DataSource dataSource) {
        return DbLocks.builder(dataSource).multiplexing(Multiplexing.off()).build();
    }

    @Test
    void serverDetectsACycleBetweenTwoPinnedNodes(TestDatabase db) throws Exception {
        DataSource dataSource = dataSource(db);
        List<LockDeadlockException> victims = race(pinned(dataSource), pinned(dataSource));
        // PostgreSQL's detector runs under the lock manager's partition locks: one victim. MySQL's and MariaDB's
        // metadata-lock detector runs in every waiter, so two requests that start waiting together may both be chosen.
        if (db.engine().equals("PostgreSQL")) {
            assertThat(victims).hasSize(1);
        } else {
            assertThat(victims).hasSizeBetween(1, 2);
        }
        assertThat(victims).allSatisfy(v -> assertThat(v.sqlState()).isPresent());
    }

    /**
     * Multiplexed, a thread's hold and its wait are on different sessions, so the server sees no cycle: dblock's
     * detector ({@code CrossNodeDeadlocks}) finds it from the labelled waits and cancels one wait.
     */
    @Test
    void dblockDetectsACycleBetweenTwoMultiplexedNodes(TestDatabase db) throws Exception {
        DataSource dataSource = dataSource(db);
        long start = System.nanoTime();
        List<LockDeadlockException> victims = race(DbLocks.create(dataSource), DbLocks.create(dataSource));
        assertThat(victims).hasSize(1);
        assertThat(victims.get(0)).hasMessageContaining("multiplexed connections");
        System.out.printf(
                "%s: cross-node deadlock (2 nodes) ended after %d ms, victim waited %d ms%n",
                db.engine(),
                (System.nanoTime() - start) / 1_000_000,
                victims.get(0).waited().orElseThrow().toMillis());
    }

    @Test
    void dblockDetectsACycleThroughThreeMultiplexedNodes(TestDatabase db) throws Exception {
        DataSource dataSource = dataSource(db);
        List<DbLocks> nodes =
                List.of(DbLocks.create(dataSource), DbLocks.create(dataSource), DbLocks.create(dataSource));
        java.util.concurrent.CyclicBarrier allHoldOne = new java.util.concurrent.CyclicBarrier(3);
        List<TestThreads.TestThread<LockDeadlockException>> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            DbLocks node = nodes.get(i);
            String first = "ring-" + i;
            String second = "ring-" + (i + 1) % 3;
            started.add(threads.start("ring-" + i, () -> takeTwo(node, first, second, allHoldOne)));
        }
        List<LockDeadlockException> victims = new ArrayList<>();
        for (TestThreads.TestThread<LockDeadlockException> t : started) {
            LockDeadlockException e = t.get(30, TimeUnit.SECONDS);
            if (e != null) {
                victims.add(e);
            }
        }
        assertThat(victims).hasSize(1);
        System.out.printf(
                "%s: cross-node deadlock (3 nodes), victim waited %d ms%n",
                db.engine(), victims.get(0).waited().orElseThrow().toMillis());
    }

    @Test
    void dblockDetectsACycleBetweenThreadsOfOneInstance(TestDatabase db) throws Exception {
        DataSource dataSource = dataSource(db);
        DbLocks shared = DbLocks.create(dataSource);
        List<LockDeadlockException> victims = race(shared, shared);
        assertThat(victims).hasSize(1);
        assertThat(victims.get(0)).hasMessageContaining("threads of this DbLocks");
    }

    /** Thread 1 holds A and wants B, thread 2 holds B and wants A; returns the deadlock exceptions seen. */
    private List<LockDeadlockException> race(DbLocks first, DbLocks second) throws Exception {
        CyclicBarrier bothHoldOne = new CyclicBarrier(2);
        TestThreads.TestThread<LockDeadlockException> one =
                threads.start("A-then-B", () -> takeTwo(first, "A", "B", bothHoldOne));
        TestThreads.TestThread<LockDeadlockException> two =
                threads.start("B-then-A", () -> takeTwo(second, "B", "A", bothHoldOne));
        List<LockDeadlockException> victims = new ArrayList<>();
        for (TestThreads.TestThread<LockDeadlockException> f : List.of(one, two)) {
            LockDeadlockException e = f.get(30, TimeUnit.SECONDS);
            if (e != null) {
                victims.add(e);
            }
        }
        return victims;
    }

    private static LockDeadlockException takeTwo(
            DbLocks locks, String firstKey, String secondKey, CyclicBarrier barrier) {
        try (LockHandle held = locks.advisory(firstKey).acquire()) {
            barrier.await(10, TimeUnit.SECONDS);
            try (LockHandle both = locks.advisory(secondKey).acquire()) {
                return null;
            }
        } catch (LockDeadlockException e) {
            return e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
