package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.DbLocks;
import io.dblock.LockLostException;
import io.dblock.spring.support.SpringFixture;
import io.dblock.testing.Await;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;

/**
 * A lock lost while an annotated method runs fails the call with {@link LockLostException}, and the work of a
 * transaction it guards is rolled back: the holder's session is killed on the server while the method waits on a latch.
 */
public abstract class LostLockContract extends SpringFixture {

    private final ExecutorService executor = Executors.newFixedThreadPool(1, r -> new Thread(r, "guarded-call"));
    GuardedWork work;
    DbLocks locks;

    @BeforeEach
    void start() {
        createTable("spring_guarded");
        ApplicationContext context = context(Configs.Defaults.class, GuardedWork.class);
        work = context.getBean(GuardedWork.class);
        locks = context.getBean(DbLocks.class);
    }

    @AfterEach
    void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void byDefaultALockLostWhileTheMethodRunsFailsTheCallAndRollsBackItsTransaction() throws Exception {
        Throwable failure = killHolderWhileRunning(1, (inside, proceed) -> work.insertByDefault(1, inside, proceed));
        assertThat(failure).isInstanceOf(LockLostException.class);
        assertThat(rows(1)).as("the row inserted under the lost lock").isZero();
    }

    @Test
    void aSessionLockAroundTheTransactionLostWhileTheMethodRunsRollsBackTheTransaction() throws Exception {
        Throwable failure =
                killHolderWhileRunning(2, (inside, proceed) -> work.insertUnderSessionLock(2, inside, proceed));
        assertThat(failure).isInstanceOf(LockLostException.class);
        assertThat(rows(2)).as("the row inserted under the lost lock").isZero();
    }

    @Test
    void aSessionLockLostWithoutATransactionFailsTheCallAfterTheBody() throws Exception {
        Throwable failure =
                killHolderWhileRunning(3, (inside, proceed) -> work.waitUnderSessionLock(3, inside, proceed));
        assertThat(failure).isInstanceOf(LockLostException.class);
    }

    @Test
    void withFailOnLossFalseTheCallReturnsNormallyAndCommits() throws Exception {
        Throwable failure = killHolderWhileRunning(4, (inside, proceed) -> work.insertIgnoringLoss(4, inside, proceed));
        assertThat(failure).isNull();
        assertThat(rows(4)).isEqualTo(1);
    }

    interface Call {
        void run(CountDownLatch inside, CountDownLatch proceed);
    }

    /** Runs {@code call}, kills the lock holder's session while it waits, lets it go on; returns how it failed. */
    Throwable killHolderWhileRunning(int id, Call call) throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Future<?> result = executor.submit(() -> call.run(inside, proceed));
        assertThat(inside.await(30, TimeUnit.SECONDS)).as("the method runs").isTrue();
        Set<Long> holders = otherNode.advisory("guarded:" + id).holderConnectionIds();
        assertThat(holders).hasSize(1);
        long holder = holders.iterator().next();
        long killedAt = System.nanoTime();
        execute(postgres() ? "SELECT pg_terminate_backend(" + holder + ")" : "KILL " + holder);
        Await.until(Duration.ofSeconds(10), "the server freed the lock", () -> !heldElsewhere("guarded:" + id));
        proceed.countDown();
        try {
            result.get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            System.out.println("kill to failed call: "
                    + Duration.ofNanos(System.nanoTime() - killedAt).toMillis() + " ms (" + db.engine() + ", "
                    + e.getCause() + ")");
            return e.getCause();
        }
    }

    int rows(int id) {
        return queryInt("SELECT count(*) FROM spring_guarded WHERE id = " + id);
    }
}
