package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.spring.integration.DbLockRegistry;
import io.dblock.spring.support.SpringFixture;
import io.dblock.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DbLockRegistry} against what Spring Integration's own registry tests ({@code JdbcLockRegistryTests}) expect of
 * a {@code LockRegistry}, plus interrupts and exclusion between nodes.
 */
public abstract class LockRegistryContract extends SpringFixture {

    DbLocks locks;
    DbLockRegistry registry;
    /** Another node's registry: its own DbLocks, so it meets {@link #registry} on the server only. */
    DbLockRegistry otherRegistry;

    ExecutorService threads;

    @BeforeEach
    void start() {
        locks = DbLocks.create(dataSource);
        registry = new DbLockRegistry(locks);
        otherRegistry = new DbLockRegistry(DbLocks.create(dataSource));
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void lockAndUnlockRepeatedlyKeepOneCachedInstance() {
        for (int i = 0; i < 10; i++) {
            Lock lock = registry.obtain("foo");
            lock.lock();
            try {
                assertThat(registry.cachedLocks()).isEqualTo(1);
                assertThat(heldElsewhere("foo")).isTrue();
            } finally {
                lock.unlock();
            }
        }
        assertThat(heldElsewhere("foo")).isFalse();
        registry.expireUnusedOlderThan(-10000);
        assertThat(registry.cachedLocks()).isZero();
    }

    @Test
    void lockInterruptiblyRepeatedly() throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            Lock lock = registry.obtain("foo");
            lock.lockInterruptibly();
            lock.unlock();
        }
        assertThat(heldElsewhere("foo")).isFalse();
    }

    @Test
    void theSameKeyGivesTheSameReentrantLock() throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            Lock lock1 = registry.obtain("foo");
            lock1.lockInterruptibly();
            try {
                Lock lock2 = registry.obtain("foo");
                assertThat(lock2).isSameAs(lock1);
                lock2.lock();
                assertThat(lock2.tryLock()).isTrue();
                lock2.unlock();
                lock2.unlock();
                assertThat(heldElsewhere("foo")).as("still held once").isTrue();
            } finally {
                lock1.unlock();
            }
        }
        assertThat(heldElsewhere("foo")).isFalse();
    }

    @Test
    void twoKeysAreTwoLocks() throws InterruptedException {
        Lock foo = registry.obtain("foo");
        foo.lockInterruptibly();
        try {
            Lock bar = registry.obtain("bar");
            assertThat(bar).isNotSameAs(foo);
            bar.lockInterruptibly();
            bar.unlock();
        } finally {
            foo.unlock();
        }
    }

    @Test
    void aSecondThreadFailsToGetTheLockAndCannotUnlockIt() throws Exception {
        Lock lock = registry.obtain("foo");
        lock.lockInterruptibly();
        try {
            Future<Object> other = threads.submit(() -> {
                Lock same = registry.obtain("foo");
                assertThat(same.tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
                try {
                    same.unlock();
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(other.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(IllegalMonitorStateException.class)
                    .extracting(e -> ((Exception) e).getMessage())
                    .asString()
                    .contains("own");
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aSecondThreadGetsTheLockOnceTheFirstUnlocks() throws Exception {
        Lock lock = registry.obtain("foo");
        lock.lockInterruptibly();
        AtomicBoolean locked = new AtomicBoolean();
        Future<?> other = threads.submit(() -> {
            Lock same = registry.obtain("foo");
            same.lockInterruptibly();
            locked.set(true);
            same.unlock();
            return null;
        });
        Await.until(Duration.ofSeconds(10), "the second thread waits", () -> locks.locallyWaitingThreads() == 1);
        assertThat(locked).isFalse();
        lock.unlock();
        other.get(10, TimeUnit.SECONDS);
        assertThat(locked).isTrue();
    }

    /**
     * {@code tryLock(Long.MAX_VALUE, MILLISECONDS)} is how {@code Lock}'s callers say "as long as it takes" (issue 17):
     * it waits on the server, without limit, and gets the lock once the other node unlocks (it used to throw
     * IllegalArgumentException, the wait being longer than the engine can set).
     */
    @Test
    void aTryLockOfLongMaxValueWaitsAsLongAsItTakes() throws Exception {
        Lock theirs = otherRegistry.obtain("forever");
        theirs.lock();
        Future<Boolean> mine = threads.submit(() -> {
            Lock lock = registry.obtain("forever");
            boolean got = lock.tryLock(Long.MAX_VALUE, TimeUnit.MILLISECONDS);
            if (got) {
                lock.unlock();
            }
            return got;
        });
        Await.until(
                Duration.ofSeconds(10),
                "the tryLock waits on the server",
                () -> mine.isDone() || waitingForNamedLock() == 1);
        assertThat(mine.isDone()).as("still waiting, not refused").isFalse();
        theirs.unlock();
        assertThat(mine.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void registriesOfTwoNodesExcludeEachOtherThroughTheServer() throws Exception {
        for (int i = 0; i < 5; i++) {
            Lock lock = registry.obtain("foo");
            lock.lockInterruptibly();
            AtomicBoolean locked = new AtomicBoolean();
            CountDownLatch release = new CountDownLatch(1);
            Future<?> other = threads.submit(() -> {
                Lock theirs = otherRegistry.obtain("foo");
                theirs.lockInterruptibly();
                try {
                    locked.set(true);
                    release.await(10, TimeUnit.SECONDS);
                } finally {
                    theirs.unlock();
                }
                return null;
            });
            Await.until(Duration.ofSeconds(10), "the other node waits on the server", () -> waitingForNamedLock() == 1);
            assertThat(locked).isFalse();
            lock.unlock();
            Await.until(Duration.ofSeconds(10), "the other node has the lock", locked::get);
            assertThat(lock.tryLock()).as("the other node holds it now").isFalse();
            release.countDown();
            other.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void unlockByAThreadThatDoesNotHoldTheLockThrows() throws Exception {
        Lock lock = registry.obtain("foo");
        lock.lockInterruptibly();
        try {
            Future<Object> other = threads.submit(() -> {
                try {
                    lock.unlock();
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(other.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(IllegalMonitorStateException.class)
                    .extracting(e -> ((Exception) e).getMessage())
                    .asString()
                    .contains("own");
            assertThat(heldElsewhere("foo")).as("still held").isTrue();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void anEvictedKeyStillExcludesUntilItsHolderUnlocks() throws Exception {
        registry.setCacheCapacity(2);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = threads.submit(() -> {
            Lock lock = registry.obtain("lock1");
            lock.lock();
            try {
                held.countDown();
                release.await(10, TimeUnit.SECONDS);
            } finally {
                lock.unlock();
            }
            return null;
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        Lock first = registry.obtain("lock1");
        registry.obtain("lock2");
        registry.obtain("lock3");
        Lock again = registry.obtain("lock1");
        assertThat(again).as("a new instance after eviction").isNotSameAs(first);
        assertThat(again.tryLock(100, TimeUnit.MILLISECONDS)).isFalse();
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        again.lock();
        again.unlock();
    }

    @Test
    void anInterruptStopsLockInterruptiblyAndTheLockStaysFree() throws Exception {
        Lock lock = otherRegistry.obtain("foo");
        lock.lock();
        CompletableFuture<Thread> waiterThread = new CompletableFuture<>();
        Future<Object> waiter = threads.submit(() -> {
            waiterThread.complete(Thread.currentThread());
            try {
                registry.obtain("foo").lockInterruptibly();
                return "locked";
            } catch (InterruptedException e) {
                return e;
            }
        });
        Await.until(Duration.ofSeconds(10), "the waiter waits on the server", () -> waitingForNamedLock() == 1);
        waiterThread.get().interrupt();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        Await.until(Duration.ofSeconds(10), "the server wait is cancelled", () -> waitingForNamedLock() == 0);
        lock.unlock();
        assertThat(heldElsewhere("foo")).as("nobody holds it").isFalse();
    }

    @Test
    void lockWaitsThroughAnInterruptAndKeepsTheFlag() throws Exception {
        Lock lock = otherRegistry.obtain("foo");
        lock.lock();
        CompletableFuture<Thread> waiterThread = new CompletableFuture<>();
        Future<Boolean> waiter = threads.submit(() -> {
            waiterThread.complete(Thread.currentThread());
            Lock mine = registry.obtain("foo");
            mine.lock();
            boolean interrupted = Thread.currentThread().isInterrupted();
            mine.unlock();
            return interrupted;
        });
        Await.until(Duration.ofSeconds(10), "the waiter waits on the server", () -> waitingForNamedLock() == 1);
        waiterThread.get().interrupt();
        Await.until(Duration.ofSeconds(10), "the waiter is back in line", () -> waitingForNamedLock() == 1);
        assertThat(waiter).isNotDone();
        lock.unlock();
        assertThat(waiter.get(10, TimeUnit.SECONDS))
                .as("interrupt flag set again")
                .isTrue();
    }

    @Test
    void conditionsAreNotSupported() {
        assertThatThrownBy(() -> registry.obtain("foo").newCondition())
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("no conditions");
    }

    @Test
    void keysMustBeStrings() {
        assertThatThrownBy(() -> registry.obtain(42)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void executeLockedRunsTheTaskHoldingTheLock() throws Exception {
        boolean heldInside = registry.executeLocked("foo", () -> heldElsewhere("foo"));
        assertThat(heldInside).isTrue();
        assertThat(heldElsewhere("foo")).isFalse();
    }

    @Test
    void aPrefixSeparatesTheRegistrysKeys() {
        DbLockRegistry prefixed = new DbLockRegistry(locks, "si:");
        Lock lock = prefixed.obtain("foo");
        lock.lock();
        try {
            assertThat(heldElsewhere("si:foo")).isTrue();
            assertThat(heldElsewhere("foo")).isFalse();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void incrementsUnderLocksOfTwoNodesLoseNothing() throws Exception {
        AtomicInteger counter = new AtomicInteger();
        List<Future<?>> calls = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            DbLockRegistry node = t % 2 == 0 ? registry : otherRegistry;
            calls.add(threads.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    Lock lock = node.obtain("counter");
                    lock.lock();
                    try {
                        int value = counter.get();
                        Thread.yield();
                        counter.set(value + 1);
                    } finally {
                        lock.unlock();
                    }
                }
                return null;
            }));
        }
        for (Future<?> call : calls) {
            call.get(60, TimeUnit.SECONDS);
        }
        assertThat(counter).hasValue(80);
    }

    /** Issue 26.5 / 17.1: an unlock of a lock lost with its session says so, on every engine. */
    @Test
    void unlockOfALockLostWithItsSessionThrowsAndTheKeyWorksAgain() {
        Lock lock = registry.obtain("lost-unlock");
        lock.lock();
        killHolderOf("lost-unlock");
        assertThatThrownBy(lock::unlock)
                .isInstanceOf(ConcurrentModificationException.class)
                .hasMessageContaining("'lost-unlock' was lost");
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.tryLock()).isTrue();
        assertThat(heldElsewhere("lost-unlock")).isTrue();
        lock.unlock();
        assertThat(heldElsewhere("lost-unlock")).isFalse();
    }

    /**
     * A nested {@code tryLock} on a hold whose session was killed, while another node holds the key now: refused, not
     * answered from the count (what Spring Integration's leader initiator relies on to be revoked), and the unlock the
     * thread still owes for its first lock throws.
     */
    @Test
    void aNestedTryLockOnALostHoldFailsWhileAnotherNodeHoldsTheKey() throws Exception {
        Lock lock = registry.obtain("lost-reentry");
        lock.lock();
        killHolderOf("lost-reentry");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch theirs = new CountDownLatch(1);
        Future<?> other = threads.submit(() -> {
            Lock them = otherRegistry.obtain("lost-reentry");
            assertThat(them.tryLock(10, TimeUnit.SECONDS)).isTrue();
            try {
                theirs.countDown();
                release.await(10, TimeUnit.SECONDS);
            } finally {
                them.unlock();
            }
            return null;
        });
        assertThat(theirs.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lock.tryLock()).as("the other node holds it").isFalse();
        assertThat(lock.tryLock(50, TimeUnit.MILLISECONDS)).isFalse();
        assertThatThrownBy(lock::unlock)
                .as("the unlock owed for the lost lock()")
                .isInstanceOf(ConcurrentModificationException.class);
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        release.countDown();
        other.get(10, TimeUnit.SECONDS);
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    /**
     * A nested {@code tryLock} on a lost hold whose key nobody took meanwhile acquires it afresh on the server; the
     * earlier lock's count carries over, and the last unlock reports the loss in between.
     */
    @Test
    void aNestedTryLockOnALostHoldThatNobodyTookAcquiresAfresh() {
        Lock lock = registry.obtain("lost-retaken");
        lock.lock();
        long killed = killHolderOf("lost-retaken");
        assertThat(lock.tryLock()).isTrue();
        assertThat(otherNode.advisory("lost-retaken").holderConnectionIds())
                .as("held again, on a fresh session")
                .hasSize(1)
                .doesNotContain(killed);
        lock.unlock();
        assertThat(heldElsewhere("lost-retaken"))
                .as("still held for the outer lock()")
                .isTrue();
        assertThatThrownBy(lock::unlock).isInstanceOf(ConcurrentModificationException.class);
        assertThat(heldElsewhere("lost-retaken")).isFalse();
    }

    /** A nested lock on a live hold still counts up (after one query to confirm it), and frees at the last unlock. */
    @Test
    void aNestedLockOnALiveHoldCountsUp() throws InterruptedException {
        Lock lock = registry.obtain("live-reentry");
        lock.lock();
        long holder = otherNode
                .advisory("live-reentry")
                .holderConnectionIds()
                .iterator()
                .next();
        assertThat(lock.tryLock(1, TimeUnit.SECONDS)).isTrue();
        lock.lockInterruptibly();
        assertThat(otherNode.advisory("live-reentry").holderConnectionIds()).containsExactly(holder);
        lock.unlock();
        lock.unlock();
        assertThat(heldElsewhere("live-reentry")).isTrue();
        lock.unlock();
        assertThat(heldElsewhere("live-reentry")).isFalse();
    }

    /** Issue 26.3: after its session was killed under one key, the same thread locks other keys at once. */
    @Test
    void afterAKillTheSameThreadLocksOtherKeysAtOnce() {
        Lock first = registry.obtain("killed-first");
        first.lock();
        long killed = killHolderOf("killed-first");
        for (int i = 0; i < 3; i++) {
            Lock next = registry.obtain("killed-next-" + i);
            assertThat(next.tryLock()).isTrue();
            try {
                assertThat(otherNode.advisory("killed-next-" + i).holderConnectionIds())
                        .hasSize(1)
                        .doesNotContain(killed);
            } finally {
                next.unlock();
            }
        }
        assertThatThrownBy(first::unlock).isInstanceOf(ConcurrentModificationException.class);
    }
}
