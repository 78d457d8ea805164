package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.CountingDataSource;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.testing.TestDatabase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Uncontended paths cost one statement execution (one round trip); re-entry costs none. Counted above a pool of one
 * connection, as applications run: what dblock asks once per physical connection (the server's status, {@link
 * Failover}) or once per instance (whether a pooler is there) is paid by the warm-up.
 */
@Needs
abstract class RoundTripContract implements DriverUnderTest {

    CountingDataSource counting;
    DbLocks locks;
    HikariDataSource pool;

    @BeforeEach
    void setUp(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setMaximumPoolSize(1);
        pool = new HikariDataSource(config);
        counting = new CountingDataSource(pool);
        locks = DbLocks.create(counting.dataSource());
        locks.advisory("warm-up").acquire().release();
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void onlyTheFirstPinOfAnInstanceAsksWhatStandsInBetweenAndNothingIsAskedWhenDeclared() {
        DbLocks fresh = DbLocks.create(counting.dataSource());
        assertThat(counting.count(() -> fresh.advisory("rt").acquire().release()))
                .as("the pooler detection and the server's status, once")
                .isGreaterThan(2);
        assertThat(counting.count(() -> fresh.advisory("rt").acquire().release()))
                .isEqualTo(2);
        DbLocks declared = DbLocks.builder(counting.dataSource())
                .pooler(Pooler.NONE)
                .failover(Failover.defaults().withGrace(java.time.Duration.ZERO).allowingStandby())
                .build();
        assertThat(counting.count(() -> declared.advisory("rt").acquire().release()))
                .isEqualTo(2);
    }

    @Test
    void sessionAcquireAndReleaseAreOneExecutionEach() {
        AtomicReference<LockHandle> h = new AtomicReference<>();
        assertThat(counting.count(() -> h.set(locks.advisory("rt").acquire()))).isEqualTo(1);
        assertThat(counting.count(() -> h.get().release())).isEqualTo(1);
        assertThat(counting.count(() -> h.set(
                        locks.advisory("rt").timeout(Duration.ofSeconds(2)).acquire())))
                .isEqualTo(1);
        assertThat(counting.count(() -> h.get().release())).isEqualTo(1);
        assertThat(counting.count(() -> h.set(locks.advisory("rt").tryAcquire().orElseThrow())))
                .isEqualTo(1);
        assertThat(counting.count(() -> h.get().release())).isEqualTo(1);
        assertThat(counting.count(() -> h.set(
                        locks.advisory("rt").tryAcquire(Duration.ofSeconds(1)).orElseThrow())))
                .isEqualTo(1);
        assertThat(counting.count(() -> h.get().release())).isEqualTo(1);
    }

    @Test
    void severalKeysWithATimeoutAreStillOneExecution() {
        AdvisoryLock three = locks.advisory(LockKey.of(1L), LockKey.of("two"), LockKey.of(3, 3))
                .timeout(Duration.ofSeconds(2));
        AtomicReference<LockHandle> h = new AtomicReference<>();
        assertThat(counting.count(() -> h.set(three.acquire()))).isEqualTo(1);
        assertThat(counting.count(() -> h.get().release())).isEqualTo(1);
    }

    @Test
    void reacquiringAHeldLockCostsNothing() {
        try (LockHandle outer = locks.advisory("rt").acquire()) {
            AtomicReference<LockHandle> inner = new AtomicReference<>();
            assertThat(counting.count(() -> inner.set(locks.advisory("rt").acquire())))
                    .isZero();
            assertThat(counting.count(() -> inner.get().release())).isZero();
        }
    }
}
