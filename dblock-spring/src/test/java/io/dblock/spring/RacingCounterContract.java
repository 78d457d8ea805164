package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.DbLocks;
import io.dblock.spring.support.SpringFixture;
import io.dblock.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;

/**
 * Mutual exclusion through the annotations: a racing read-modify-write counter loses updates without a lock and none
 * with one.
 */
public abstract class RacingCounterContract extends SpringFixture {

    Counter counter;
    DbLocks locks;
    ExecutorService threads;

    @BeforeEach
    void start() {
        execute(
                "CREATE TABLE IF NOT EXISTS spring_counter (name VARCHAR(100) PRIMARY KEY, value INT NOT NULL)",
                "DELETE FROM spring_counter",
                "INSERT INTO spring_counter (name, value) VALUES ('c', 0)");
        ApplicationContext context = context(Configs.Defaults.class, Counter.class);
        counter = context.getBean(Counter.class);
        locks = context.getBean(DbLocks.class);
        threads = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void withoutALockTwoOverlappingIncrementsLoseOne() throws Exception {
        CyclicBarrier bothHaveRead = new CyclicBarrier(2);
        counter.window(() -> await(bothHaveRead));
        runTogether(2, 1, counter::unlockedIncrement);
        assertThat(counter.value("c")).as("two increments, one lost").isEqualTo(1);
    }

    @Test
    void withTheSessionLockTheSecondCallWaitsOnTheServerAndNothingIsLost() throws Exception {
        lineUpBehindTheServerLock();
        runTogether(2, 1, counter::sessionLockedIncrement);
        assertThat(counter.value("c")).isEqualTo(2);
    }

    @Test
    void withTheTransactionLockTheSecondCallWaitsOnTheServerAndNothingIsLost() throws Exception {
        lineUpBehindTheServerLock();
        runTogether(2, 1, counter::transactionLockedIncrement);
        assertThat(counter.value("c")).isEqualTo(2);
    }

    @Test
    void manySessionLockedIncrementsLoseNothing() throws Exception {
        counter.window(RacingCounterContract::briefWork);
        runTogether(4, 10, counter::sessionLockedIncrement);
        assertThat(counter.value("c")).isEqualTo(40);
    }

    @Test
    void manyTransactionLockedIncrementsLoseNothing() throws Exception {
        counter.window(RacingCounterContract::briefWork);
        runTogether(4, 10, counter::transactionLockedIncrement);
        assertThat(counter.value("c")).isEqualTo(40);
    }

    /**
     * The first call to read waits in its window until the other call is blocked on the lock: in the {@code DbLocks}'
     * local queue (session locks of one node queue in memory) or on the server (transaction locks).
     */
    private void lineUpBehindTheServerLock() {
        AtomicBoolean first = new AtomicBoolean(true);
        counter.window(() -> {
            if (first.getAndSet(false)) {
                Await.until(
                        Duration.ofSeconds(10),
                        "the other call waits for the lock",
                        () -> locks.locallyWaitingThreads() + waitingForNamedLock() == 1);
            }
        });
    }

    private void runTogether(int callers, int callsEach, Consumer<String> increment) throws Exception {
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            calls.add(threads.submit(() -> {
                for (int j = 0; j < callsEach; j++) {
                    increment.accept("c");
                }
            }));
        }
        for (Future<?> call : calls) {
            call.get(60, TimeUnit.SECONDS);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("the two calls did not overlap", e);
        }
    }

    /** A short stretch of work between read and write, which widens the race the lock must close. */
    private static void briefWork() {
        java.util.concurrent.locks.LockSupport.parkNanos(
                TimeUnit.MILLISECONDS.toNanos(1)); // work, not a wait for anyone
    }
}
