package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.testing.Await;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The in-memory lock table on its own, with no database: the server's part of an acquisition is what a test thread
 * does between {@code enter} and {@code confirm}, and between {@code exit} and {@code released}.
 */
class LocalLocksTest {

    private static final long FOREVER = Long.MAX_VALUE;
    private static final AdvisoryLockMode X = AdvisoryLockMode.EXCLUSIVE;
    private static final AdvisoryLockMode S = AdvisoryLockMode.SHARED;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final LocalLocks locks = new LocalLocks();
    private final LockKey a = LockKey.of("a");
    private final LockKey b = LockKey.of("b");

    @AutoClose
    final TestThreads threads = new TestThreads();

    @Test
    void releasingOneKeySignalsNoneOfTheWaitersOfAnotherAndSearchesNoGraph() throws Exception {
        int waiters = 500;
        take(b, X);
        List<TestThreads.TestThread<Void>> started = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            started.add(threads.start("waiter-" + i, () -> give(take(b, X), b, X)));
        }
        Await.until(LIMIT, "all waiters queued on b", () -> locks.waitingThreads() == waiters);
        long searches = locks.cycleSearches();
        assertThat(searches).isEqualTo(waiters); // one search each, when it started waiting

        for (int i = 0; i < 100; i++) {
            give(take(a, X), a, X);
        }

        assertThat(locks.signals()).isZero();
        assertThat(locks.cycleSearches()).isEqualTo(searches);
        assertThat(locks.waitingThreads()).isEqualTo(waiters);

        give(null, b, X);
        TestThreads.getAll(LIMIT, started);
        // each release hands b to one waiter: one signal each (a signalAll per change would give ~waiters² / 2)
        assertThat(locks.signals()).isLessThanOrEqualTo(2L * waiters);
        assertThat(locks.cycleSearches()).isLessThanOrEqualTo(searches + waiters);
        assertThat(locks.waitingThreads()).isZero();
    }

    @Test
    void sharedWaitersAllComeInTogetherOnceTheExclusiveHolderLeaves() throws Exception {
        int sharers = 5;
        take(a, X);
        CountDownLatch allIn = new CountDownLatch(sharers);
        List<TestThreads.TestThread<Void>> started = new ArrayList<>();
        for (int i = 0; i < sharers; i++) {
            started.add(threads.start("sharer-" + i, () -> {
                LocalLocks.Claim claim = take(a, S);
                allIn.countDown();
                assertThat(allIn.await(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                give(claim, a, S);
            }));
        }
        Await.until(LIMIT, "sharers queued", () -> locks.waitingThreads() == sharers);
        give(null, a, X);
        TestThreads.getAll(LIMIT, started);
        assertThat(allIn.getCount()).isZero();
    }

    @Test
    void aSharerAskingForExclusiveWaitsForTheOtherSharerOnlyAndIsLetInWhenItLeaves() throws Exception {
        CountDownLatch bothShare = new CountDownLatch(2);
        CountDownLatch letGo = new CountDownLatch(1);
        TestThreads.TestThread<Void> other = threads.start("other-sharer", () -> {
            LocalLocks.Claim claim = take(a, S);
            bothShare.countDown();
            assertThat(letGo.await(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            give(claim, a, S);
        });
        TestThreads.TestThread<Void> upgrader = threads.start("upgrader", () -> {
            LocalLocks.Claim shared = take(a, S);
            bothShare.countDown();
            assertThat(bothShare.await(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            LocalLocks.Claim exclusive = take(a, X); // its own shared hold does not block it; the other's does
            give(exclusive, a, X);
            give(shared, a, S);
        });
        Await.until(LIMIT, "the upgrader waits", () -> locks.waitingThreads() == 1);
        letGo.countDown();
        TestThreads.getAll(LIMIT, List.of(other, upgrader));
        assertThat(locks.waitingThreads()).isZero();
    }

    @Test
    void theThreadThatWouldCloseACycleGetsLocalDeadlockAndTheOtherProceeds() throws Exception {
        take(b, X);
        CountDownLatch holdsA = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        TestThreads.TestThread<Void> first = threads.start("holds-a-wants-b", () -> {
            LocalLocks.Claim claimA = take(a, X);
            holdsA.countDown();
            LocalLocks.Claim claimB = take(b, X);
            give(claimB, b, X);
            give(claimA, a, X);
            done.countDown();
        });
        assertThat(holdsA.await(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Await.until(LIMIT, "first waits for b", () -> locks.waitingThreads() == 1);

        assertThatThrownBy(() -> locks.enter(List.of(a), X, FOREVER))
                .isInstanceOf(LocalLocks.LocalDeadlock.class)
                .hasMessageContaining("local wait-for cycle");

        give(null, b, X);
        first.get(LIMIT);
        assertThat(done.getCount()).isZero();
        assertThat(locks.waitingThreads()).isZero();
    }

    @Test
    void aTimedOutOrInterruptedWaiterLeavesAndTheNextWaiterStillGetsTheKey() throws Exception {
        take(a, X);
        TestThreads.TestThread<LocalLocks.Claim> timed = threads.start(
                "timed", () -> locks.enter(List.of(a), X, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20)));
        assertThat(timed.get(LIMIT)).isNull();
        assertThat(locks.waitingThreads()).isZero();
        AtomicInteger interrupted = new AtomicInteger();
        TestThreads.TestThread<Void> quitter = threads.start("quitter", () -> {
            try {
                locks.enter(List.of(a), X, FOREVER);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        Await.until(LIMIT, "quitter waits", () -> locks.waitingThreads() == 1);
        TestThreads.TestThread<Void> next = threads.start("next", () -> give(take(a, X), a, X));
        Await.until(LIMIT, "both wait", () -> locks.waitingThreads() == 2);
        quitter.interrupt();
        quitter.get(LIMIT);
        assertThat(interrupted.get()).isEqualTo(1);

        give(null, a, X);
        next.get(LIMIT);
        assertThat(locks.waitingThreads()).isZero();
        TestThreads.TestThread<Void> after = threads.start("after", () -> give(take(a, X), a, X));
        after.get(LIMIT); // nothing left claimed by the quitter or the timed-out thread
    }

    /** Claims {@code key} as the calling thread and confirms it, as a granted server lock. */
    private LocalLocks.Claim take(LockKey key, AdvisoryLockMode mode) throws Exception {
        LocalLocks.Claim claim = locks.enter(List.of(key), mode, FOREVER);
        locks.confirm(claim, null);
        return claim;
    }

    /** Lets go of the calling thread's hold of {@code key}, as after the server's release. */
    private void give(LocalLocks.Claim unused, LockKey key, AdvisoryLockMode mode) {
        Thread me = Thread.currentThread();
        locks.released(locks.exit(List.of(key), mode, me));
    }
}
