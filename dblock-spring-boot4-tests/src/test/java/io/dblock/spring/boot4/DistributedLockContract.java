package io.dblock.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.spring.integration.DbLockRegistry;
import io.dblock.spring.support.SpringFixture;
import io.dblock.testing.Await;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * {@link DbLockRegistry} on Spring Integration 7: its locks are {@link DistributedLock}s, whose time to live is
 * checked and otherwise not used (a session lock lasts until unlock or the end of its session), and it is a {@link
 * RenewableLockRegistry} whose renewal confirms the hold with the server.
 */
public abstract class DistributedLockContract extends SpringFixture {

    DbLockRegistry registry;
    DbLockRegistry otherRegistry;

    @BeforeEach
    void registries() {
        registry = new DbLockRegistry(closeAfterTest(DbLocks.create(dataSource)));
        otherRegistry = new DbLockRegistry(closeAfterTest(DbLocks.create(pool(db))));
    }

    private boolean freeElsewhere(String key) {
        Lock other = otherRegistry.obtain(key);
        if (!other.tryLock()) {
            return false;
        }
        other.unlock();
        return true;
    }

    @Test
    void theRegistryIsSpringIntegration7sAndItsLocksAreDistributedLocks() {
        assertThat(registry).isInstanceOf(ExpirableLockRegistry.class).isInstanceOf(RenewableLockRegistry.class);
        Lock lock = registry.obtain("si7");
        assertThat(lock).isInstanceOf(DistributedLock.class).isSameAs(registry.obtain("si7"));
        assertThat(lock.toString()).contains("si7");
    }

    @Test
    void aLockWithATimeToLiveIsHeldUntilItsUnlockNotUntilTheTtl() {
        DistributedLock lock = (DistributedLock) registry.obtain("si7-ttl");
        lock.lock(Duration.ofMillis(100));
        long past = System.nanoTime() + Duration.ofMillis(400).toNanos();
        Await.until(Duration.ofSeconds(5), "the ttl has passed", () -> System.nanoTime() - past > 0);
        assertThat(heldElsewhere("si7-ttl")).isTrue();
        assertThat(freeElsewhere("si7-ttl")).isFalse();
        lock.unlock();
        assertThat(freeElsewhere("si7-ttl")).isTrue();
    }

    @Test
    void tryLockWithATimeToLiveWaitsOnTheServer() throws Exception {
        Lock theirs = otherRegistry.obtain("si7-try");
        theirs.lock();
        DistributedLock mine = (DistributedLock) registry.obtain("si7-try");
        assertThat(mine.tryLock(Duration.ofMillis(200), Duration.ofSeconds(1))).isFalse();
        try (TestThreads threads = new TestThreads()) {
            TestThreads.TestThread<Boolean> waiter = threads.start("si7-waiter", () -> {
                boolean got = mine.tryLock(Duration.ofSeconds(30), Duration.ofSeconds(1));
                if (got) {
                    mine.unlock();
                }
                return got;
            });
            Await.until(Duration.ofSeconds(10), "the waiter waits on the server", () -> waitingForNamedLock() == 1);
            theirs.unlock();
            assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aTimeToLiveMustBePositiveAndABadOneLocksNothing() {
        DistributedLock lock = (DistributedLock) registry.obtain("si7-bad");
        assertThatThrownBy(() -> lock.lock(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lock.lock(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lock.tryLock(Duration.ofSeconds(1), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(freeElsewhere("si7-bad")).isTrue();
    }

    @Test
    void renewingConfirmsTheHoldAndALostHoldCannotBeRenewed() throws Exception {
        Lock lock = registry.obtain("si7-renew");
        lock.lock();
        registry.renewLock("si7-renew");
        registry.renewLock("si7-renew", Duration.ofSeconds(30));
        assertThatThrownBy(() -> registry.renewLock("si7-renew", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        try (TestThreads threads = new TestThreads()) {
            TestThreads.TestThread<Void> other = threads.start("si7-renews-elsewhere", () -> {
                registry.renewLock("si7-renew");
                return null;
            });
            assertThatThrownBy(() -> other.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalMonitorStateException.class);
        }
        assertThatThrownBy(() -> registry.renewLock("never-locked")).isInstanceOf(IllegalMonitorStateException.class);

        killHolderOf("si7-renew");
        assertThatThrownBy(() -> registry.renewLock("si7-renew")).isInstanceOf(ConcurrentModificationException.class);
        assertThatThrownBy(lock::unlock).isInstanceOf(ConcurrentModificationException.class);
        assertThat(freeElsewhere("si7-renew")).isTrue();
    }
}
