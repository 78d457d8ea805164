package io.dblock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.spring.boot.actuate.DbLocksDescriptor;
import io.dblock.spring.boot.actuate.DbLocksEndpoint;
import io.dblock.spring.boot.actuate.LockDescriptor;
import io.dblock.testing.Await;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code dblock} endpoint with a pool that one holder pins: threads queued inside the JVM for its key show as
 * {@code localWaiters}, and the answer without a connection has a status and what could be read.
 */
@DatabaseTest(engine = Engine.POSTGRES)
class DbLocksEndpointTest {

    private HikariDataSource pool;
    private DbLocks locks;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();

    @BeforeEach
    void start(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource());
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(250);
        config.setPoolName("endpoint-test");
        pool = new HikariDataSource(config);
        locks = DbLocks.create(pool);
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).as(t.getName() + " ended").isFalse();
        }
        pool.close();
    }

    private void holdOnNewThread(String name, CountDownLatch acquired) {
        Thread t = new Thread(
                () -> {
                    try (LockHandle h = locks.advisory("endpoint-pinned").acquire()) {
                        acquired.countDown();
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name);
        threads.add(t);
        t.start();
    }

    @Test
    void aPinnedPoolGivesAStatusAndTheJvmLocalWaitersInsteadOfAnError() throws Exception {
        CountDownLatch acquired = new CountDownLatch(3);
        holdOnNewThread("holder", acquired);
        Await.until(Duration.ofSeconds(10), "the holder has the lock", () -> acquired.getCount() == 2);
        holdOnNewThread("waiter-1", acquired);
        holdOnNewThread("waiter-2", acquired);
        Await.until(Duration.ofSeconds(10), "two threads queued in the JVM", () -> locks.locallyWaitingThreads() == 2);

        DbLocksDescriptor report = new DbLocksEndpoint(locks).locks();

        assertThat(report.status()).isEqualTo(DbLocksDescriptor.NO_CONNECTION);
        assertThat(report.localWaiters()).isEqualTo(2);
        assertThat(report.engine()).isEqualTo("PostgreSQL");
        assertThat(report.unavailable()).isNotBlank();
        assertThat(report.locks()).isEmpty();
    }

    @Test
    void aDblockHoldersLockCarriesItsLabelInsteadOfItsHousekeeping(TestDatabase db) throws Exception {
        CountDownLatch acquired = new CountDownLatch(1);
        holdOnNewThread("holder", acquired);
        assertThat(acquired.await(10, TimeUnit.SECONDS))
                .as("the holder has the lock")
                .isTrue();
        DbLocksEndpoint otherApplication = new DbLocksEndpoint(DbLocks.create(db.dataSource()));
        LockDescriptor[] held = new LockDescriptor[1];
        // idle between two keepalive pings: the label shows while the statement that sets it still runs
        Await.until(Duration.ofSeconds(10), "the endpoint shows the holder labelled and idle", () -> {
            held[0] = otherApplication.locks().locks().stream()
                    .filter(lock -> lock.dblockLabel() != null && "IDLE".equals(lock.state()))
                    .findFirst()
                    .orElse(null);
            return held[0] != null;
        });

        assertThat(held[0].target()).isEqualTo("advisory \"endpoint-pinned\"");
        assertThat(held[0].dblockLabel())
                .matches("dblock " + ProcessHandle.current().pid() + "@[a-z0-9-]+");
        assertThat(held[0].query())
                .as("dblock's own last statement is not shown")
                .isNull();
    }

    @Test
    void withAConnectionTheAnswerIsComplete() {
        DbLocksDescriptor report = new DbLocksEndpoint(locks).locks();
        assertThat(report.status()).isEqualTo(DbLocksDescriptor.OK);
        assertThat(report.localWaiters()).isZero();
        assertThat(report.unavailable()).isNull();
        assertThat(report.pooler())
                .as("detected on the first connection dblock used, the inspection's")
                .isEqualTo("NONE");
        assertThat(report.graceLeft()).as("no server came up just now").isNull();
        locks.advisory("endpoint-detects").acquire().release();
        assertThat(new DbLocksEndpoint(locks).locks().pooler())
                .as("a direct connection")
                .isEqualTo("NONE");
    }
}
