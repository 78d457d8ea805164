package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.LockEvent;
import io.dblock.LockListener;
import io.dblock.spring.shedlock.DbLockProvider;
import io.dblock.spring.support.SpringFixture;
import io.dblock.testing.Await;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.support.KeepAlive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link DbLockProvider} against ShedLock's provider contract ({@code AbstractLockProviderIntegrationTest} in
 * shedlock-test-support, from its documented behaviour), plus {@code extend}, ShedLock's {@code KeepAliveLockProvider},
 * the {@link DbLockProvider.Lifetime#SESSION} option, and what a lost or expired lock's holder is told.
 */
public abstract class LockProviderContract extends SpringFixture {

    static final String NAME = "shedlock-job";

    DbLockProvider provider;
    /** Another node's provider, with its own DbLocks. */
    DbLockProvider otherProvider;

    /** What the provider's DbLocks' listeners heard as lost. */
    final List<LockEvent> heardLost = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        DbLocks heard = DbLocks.builder(dataSource)
                .listener(new LockListener() {
                    @Override
                    public void lost(LockEvent event) {
                        heardLost.add(event);
                    }
                })
                .build();
        provider = closeAfterTest(new DbLockProvider(heard));
        otherProvider = closeAfterTest(new DbLockProvider(DbLocks.create(dataSource)));
    }

    static LockConfiguration config(String name, Duration lockAtMostFor, Duration lockAtLeastFor) {
        return new LockConfiguration(ClockProvider.now(), name, lockAtMostFor, lockAtLeastFor);
    }

    static LockConfiguration config(String name) {
        return config(name, Duration.ofMinutes(5), Duration.ZERO);
    }

    private void assertLocked(String name) {
        assertThat(heldElsewhere(name)).as(name + " locked").isTrue();
    }

    private void assertUnlocked(String name) {
        assertThat(heldElsewhere(name)).as(name + " unlocked").isFalse();
    }

    @Test
    void shouldCreateLock() {
        Optional<SimpleLock> lock = provider.lock(config(NAME));
        assertThat(lock).isNotEmpty();
        assertLocked(NAME);
        lock.get().unlock();
        assertUnlocked(NAME);
    }

    @Test
    void shouldNotReturnSecondLock() {
        Optional<SimpleLock> lock = provider.lock(config(NAME));
        assertThat(lock).isNotEmpty();
        assertThat(provider.lock(config(NAME))).isEmpty();
        assertThat(otherProvider.lock(config(NAME))).isEmpty();
        lock.get().unlock();
    }

    @Test
    void shouldCreateTwoIndependentLocks() {
        Optional<SimpleLock> lock1 = provider.lock(config(NAME));
        Optional<SimpleLock> lock2 = provider.lock(config("name2"));
        assertThat(lock1).isNotEmpty();
        assertThat(lock2).isNotEmpty();
        lock1.get().unlock();
        assertLocked("name2");
        lock2.get().unlock();
        assertUnlocked("name2");
    }

    @Test
    void shouldLockTwiceInARow() {
        Optional<SimpleLock> lock1 = provider.lock(config(NAME));
        assertThat(lock1).isNotEmpty();
        lock1.get().unlock();
        Optional<SimpleLock> lock2 = provider.lock(config(NAME));
        assertThat(lock2).isNotEmpty();
        lock2.get().unlock();
    }

    @Test
    void shouldBeAbleToLockRightAfterUnlock() {
        LockConfiguration configuration = config(NAME);
        for (int i = 0; i < 10; i++) {
            Optional<SimpleLock> lock = provider.lock(configuration);
            assertThat(lock).describedAs("Successfully locked").isNotEmpty();
            assertThat(provider.lock(configuration)).isEmpty();
            lock.get().unlock();
            Optional<SimpleLock> elsewhere = otherProvider.lock(configuration);
            assertThat(elsewhere).describedAs("free for another node at once").isNotEmpty();
            elsewhere.get().unlock();
        }
    }

    @Test
    void shouldTimeout() {
        // ShedLock's own expectation: a node alive but stuck loses the lock when lockAtMostFor passes
        LockConfiguration configuration = config(NAME, Duration.ofMillis(300), Duration.ZERO);
        SimpleLock stuck = provider.lock(configuration).orElseThrow();
        assertThat(otherProvider.lock(config(NAME)))
                .as("held within lockAtMostFor")
                .isEmpty();
        Optional<SimpleLock>[] taken = new Optional[] {Optional.empty()};
        Await.until(Duration.ofSeconds(10), "another node takes the lock after lockAtMostFor", () -> {
            taken[0] = otherProvider.lock(config(NAME));
            return taken[0].isPresent();
        });
        Instant at = ClockProvider.now();
        assertThat(at).isAfterOrEqualTo(configuration.getLockAtMostUntil());
        System.out.println("lockAtMostFor 300 ms: another node took the lock "
                + Duration.between(configuration.getLockAtMostUntil(), at).toMillis() + " ms after it passed ("
                + db.engine() + ")");
        Await.until(Duration.ofSeconds(5), "the holder's listener hears the loss", () -> !heardLost.isEmpty());
        assertThat(heardLost).singleElement().satisfies(e -> assertThat(
                        e.failure().orElseThrow().getMessage())
                .contains("lockAtMostFor (PT0.3S)", NAME));

        stuck.unlock(); // late: it must not release the other node's hold
        assertLocked(NAME);
        assertThat(provider.lock(config(NAME)))
                .as("the other node still holds it")
                .isEmpty();
        taken[0].get().unlock();
        assertUnlocked(NAME);
    }

    @Test
    void withSessionLifetimeTheLockOutlivesLockAtMostFor() {
        DbLockProvider sessionLifetime =
                closeAfterTest(new DbLockProvider(DbLocks.create(dataSource), "", DbLockProvider.Lifetime.SESSION));
        LockConfiguration configuration = config(NAME, Duration.ofMillis(50), Duration.ZERO);
        SimpleLock lock = sessionLifetime.lock(configuration).orElseThrow();
        Instant pastLease = configuration.getLockAtMostUntil().plusMillis(200);
        Await.until(Duration.ofSeconds(5), "lockAtMostFor has passed", () -> ClockProvider.now()
                .isAfter(pastLease));
        assertLocked(NAME);
        assertThat(otherProvider.lock(config(NAME))).isEmpty();
        Optional<SimpleLock> extended = lock.extend(Duration.ofMillis(50), Duration.ZERO);
        assertThat(extended).as("extend only checks the hold").isPresent();
        extended.get().unlock();
        assertUnlocked(NAME);
        sessionLifetime.close();
    }

    @Test
    void extendKeepsTheLockPastItsFirstLockAtMostForAndSpendsTheOldLock() {
        LockConfiguration configuration = config(NAME, Duration.ofMillis(400), Duration.ZERO);
        SimpleLock first = provider.lock(configuration).orElseThrow();
        SimpleLock second = first.extend(Duration.ofMinutes(5), Duration.ZERO).orElseThrow();
        assertThatThrownBy(first::unlock)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(NAME);
        assertThatThrownBy(() -> first.extend(Duration.ofMinutes(5), Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
        Instant pastFirst = configuration.getLockAtMostUntil().plusMillis(300);
        Await.until(Duration.ofSeconds(5), "the first lockAtMostFor has passed", () -> ClockProvider.now()
                .isAfter(pastFirst));
        assertLocked(NAME);
        assertThat(otherProvider.lock(config(NAME))).isEmpty();
        assertThat(heardLost).isEmpty();
        second.unlock();
        assertUnlocked(NAME);
    }

    @Test
    void aLockPastItsLockAtMostForOrLostCannotBeExtended() {
        SimpleLock expiring = provider.lock(config(NAME, Duration.ofMillis(100), Duration.ZERO))
                .orElseThrow();
        Await.until(Duration.ofSeconds(5), "lockAtMostFor released the lock", () -> !heldElsewhere(NAME));
        assertThat(expiring.extend(Duration.ofMinutes(1), Duration.ZERO)).isEmpty();

        SimpleLock killed = provider.lock(config("shed-ext")).orElseThrow();
        killHolderOf("shed-ext");
        assertThat(killed.extend(Duration.ofMinutes(1), Duration.ZERO)).isEmpty();
        assertThatThrownBy(killed::unlock).isInstanceOf(IllegalStateException.class);
        SimpleLock again = otherProvider.lock(config("shed-ext")).orElseThrow();
        again.unlock();
    }

    @Test
    void shedLocksKeepAliveProviderKeepsALongTaskLocked() throws Exception {
        ScheduledExecutorService scheduler =
                Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "keep-alive"));
        try {
            // lockAtMostFor 1 s, extended every 500 ms by ShedLock's KeepAliveLockProvider, for a task of 3 s
            LockProvider keptAlive = KeepAlive.withMinimum(provider, scheduler, Duration.ofMillis(500));
            LockConfiguration configuration = config(NAME, Duration.ofSeconds(1), Duration.ZERO);
            SimpleLock lock = keptAlive.lock(configuration).orElseThrow();
            Instant start = ClockProvider.now();
            Instant end = start.plusSeconds(3);
            AtomicInteger checks = new AtomicInteger();
            // another node asks again and again, polled with a deadline, until the 3 s task is over
            Await.until(Duration.ofSeconds(10), "the 3 s task ran, locked throughout", () -> {
                assertThat(otherProvider.lock(config(NAME)))
                        .as("locked " + Duration.between(start, ClockProvider.now()) + " into the task")
                        .isEmpty();
                checks.incrementAndGet();
                return !ClockProvider.now().isBefore(end);
            });
            assertThat(checks).hasValueGreaterThan(10);
            assertThat(heardLost).as("never released at a lockAtMostFor").isEmpty();
            lock.unlock();
            assertUnlocked(NAME);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void shouldLockAtLeastFor() {
        Duration atLeast = Duration.ofMillis(500);
        LockConfiguration configuration = config(NAME, atLeast.multipliedBy(2), atLeast);
        Optional<SimpleLock> lock = provider.lock(configuration);
        assertThat(lock).isNotEmpty();
        lock.get().unlock();
        assertThat(provider.lock(config(NAME)))
                .describedAs("grace period, this node")
                .isEmpty();
        assertThat(otherProvider.lock(config(NAME)))
                .describedAs("grace period, another node")
                .isEmpty();
        Await.until(Duration.ofSeconds(10), "the lock is released after lockAtLeastFor", () -> !heldElsewhere(NAME));
        assertThat(ClockProvider.now()).isAfterOrEqualTo(configuration.getLockAtLeastUntil());
        Optional<SimpleLock> after = otherProvider.lock(config(NAME));
        assertThat(after).describedAs("can acquire after the grace period").isNotEmpty();
        after.get().unlock();
    }

    @Test
    void aLockAtLeastForThatHasPassedReleasesAtUnlock() {
        LockConfiguration configuration = new LockConfiguration(
                ClockProvider.now().minusSeconds(10), NAME, Duration.ofMinutes(1), Duration.ofSeconds(1));
        Optional<SimpleLock> lock = provider.lock(configuration);
        assertThat(lock).isNotEmpty();
        lock.get().unlock();
        assertUnlocked(NAME);
    }

    @Test
    void unlockingTwiceIsAnError() {
        SimpleLock lock = provider.lock(config(NAME)).orElseThrow();
        lock.unlock();
        assertThatThrownBy(lock::unlock)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(NAME);
    }

    @Test
    void closeReleasesLocksStillInTheirLockAtLeastFor() {
        SimpleLock lock = provider.lock(config(NAME, Duration.ofMinutes(5), Duration.ofMinutes(1)))
                .orElseThrow();
        lock.unlock();
        assertLocked(NAME);
        provider.close();
        assertUnlocked(NAME);
        assertThatThrownBy(() -> provider.lock(config(NAME))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shedLocksOwnExecutorSkipsATaskAnotherNodeIsRunning() throws Throwable {
        DefaultLockingTaskExecutor executor = new DefaultLockingTaskExecutor(provider);
        DefaultLockingTaskExecutor elsewhere = new DefaultLockingTaskExecutor(otherProvider);
        AtomicInteger runs = new AtomicInteger();
        executor.executeWithLock(
                (Runnable) () -> {
                    runs.incrementAndGet();
                    // on another thread: ShedLock runs a task whose lock the calling thread holds without locking
                    try (TestThreads threads = new TestThreads()) {
                        threads.start(
                                        "other-node",
                                        () -> elsewhere.executeWithLock((Runnable) runs::incrementAndGet, config(NAME)))
                                .join(Duration.ofSeconds(30));
                    }
                },
                config(NAME));
        assertThat(runs).as("the other node's run was skipped").hasValue(1);
        assertUnlocked(NAME);
        elsewhere.executeWithLock((Runnable) runs::incrementAndGet, config(NAME));
        assertThat(runs).hasValue(2);
    }

    @Test
    void fuzzTestShouldPass() throws Exception {
        // ShedLock's FuzzTester, scaled down: threads spin on lock(), increment a counter, unlock.
        LockConfiguration job1 =
                new LockConfiguration(ClockProvider.now(), "fuzz1", Duration.ofMinutes(5), Duration.ofMillis(5));
        LockConfiguration job2 =
                new LockConfiguration(ClockProvider.now(), "fuzz2", Duration.ofMinutes(5), Duration.ofMillis(5));
        AtomicInteger counter1 = new AtomicInteger();
        AtomicInteger counter2 = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                LockProvider node = t < 2 ? provider : otherProvider;
                LockConfiguration job = t % 2 == 0 ? job1 : job2;
                AtomicInteger counter = t % 2 == 0 ? counter1 : counter2;
                tasks.add(threads.submit(() -> {
                    for (int i = 0; i < 15; ) {
                        Optional<SimpleLock> lock = node.lock(job);
                        if (lock.isPresent()) {
                            int value = counter.get();
                            Thread.yield();
                            counter.set(value + 1);
                            lock.get().unlock();
                            i++;
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(counter1).hasValue(30);
        assertThat(counter2).hasValue(30);
        Await.until(
                Duration.ofSeconds(5), "fuzz locks released", () -> !heldElsewhere("fuzz1") && !heldElsewhere("fuzz2"));
    }

    @Test
    void aSpringContextClosesTheProviderAndItsLocks() {
        AnnotationConfigApplicationContext context = context(ProviderConfig.class);
        LockProvider bean = context.getBean(LockProvider.class);
        SimpleLock lock = bean.lock(config(NAME, Duration.ofMinutes(5), Duration.ofMinutes(1)))
                .orElseThrow();
        lock.unlock();
        assertLocked(NAME);
        context.close();
        assertUnlocked(NAME);
    }

    @Configuration(proxyBeanMethods = false)
    static class ProviderConfig {
        @Bean
        DbLocks dbLocks(javax.sql.DataSource dataSource) {
            return DbLocks.create(dataSource);
        }

        @Bean
        LockProvider lockProvider(DbLocks locks) {
            return new DbLockProvider(locks);
        }
    }

    /**
     * Issue 26.3/26.4: the session under one of the provider's locks is killed while its task runs. Another node takes
     * that name; this provider keeps locking its other names at once (before the fix every later {@code lock()} of
     * the node failed with a socket error until the lost task unlocked), takes the lost name again once it is free, and
     * the lost task's late unlock does not release that newer hold.
     */
    @Test
    void afterItsSessionIsKilledTheProviderKeepsWorkingAndALateUnlockFreesNothingNewer() {
        SimpleLock lost = provider.lock(config("shedk")).orElseThrow();
        killHolderOf("shedk");
        SimpleLock theirs = otherProvider.lock(config("shedk")).orElseThrow();
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            SimpleLock other = provider.lock(config("shedk-other-" + i)).orElseThrow();
            assertLocked("shedk-other-" + i);
            other.unlock();
            assertUnlocked("shedk-other-" + i);
        }
        System.out.println("after the kill, 3 other names locked and unlocked in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms (" + db.engine() + ")");
        assertThat(provider.lock(config("shedk"))).as("the other node holds it").isEmpty();
        theirs.unlock();
        SimpleLock again = provider.lock(config("shedk")).orElseThrow();
        lost.unlock();
        assertLocked("shedk");
        again.unlock();
        assertUnlocked("shedk");
    }

    @AfterEach
    void noLocksLeft() {
        provider.close();
        otherProvider.close();
    }
}
