package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link LockHandle} the application drops without releasing: once it is garbage-collected, dblock logs where it was
 * acquired and releases its lock, and the pooled connection goes back to the pool, while the thread's other locks stay
 * held. The watchdog is off, so the release is the leak handling's own.
 */
@Needs
abstract class LeakedHandleContract implements DriverUnderTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    HikariDataSource pool;
    DbLocks locks;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger julLogger = Logger.getLogger("io.dblock.SessionLocks");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void setUp(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
        locks = DbLocks.builder(pool).watchdog(Duration.ZERO).build();
        julLogger.addHandler(capture);
    }

    @AfterEach
    void tearDown() {
        julLogger.removeHandler(capture);
        pool.close();
    }

    /** Acquires and drops the handle: nothing refers to it once this returns. */
    private long acquireAndForget(String key) {
        return locks.advisory(key).acquire().connectionId();
    }

    private void awaitCollected(String what, java.util.function.BooleanSupplier done) {
        Await.until(PATIENCE, what, () -> {
            System.gc();
            return done.getAsBoolean();
        });
    }

    private int active() {
        return pool.getHikariPoolMXBean().getActiveConnections();
    }

    @Test
    void aForgottenHandleIsReleasedAndTheWarningSaysWhereItWasAcquired() {
        acquireAndForget("forgotten");
        assertThat(locks.advisory("forgotten").isLocked()).isTrue();
        awaitCollected("the forgotten lock to be released", () -> !locks.advisory("forgotten")
                .isLocked());
        Await.until(PATIENCE, "the connection back in the pool", () -> active() == 0);
        assertThat(warnings).anySatisfy(w -> assertThat(w)
                .contains("LockHandle of advisory \"forgotten\" was garbage-collected without being released")
                .contains("acquireAndForget")
                .contains(LeakedHandleContract.class.getName()));
        try (LockHandle again = locks.advisory("forgotten").tryAcquire().orElseThrow()) {
            assertThat(again.isHeld()).isTrue();
        }
    }

    @Test
    void aForgottenHandleOfAThreadThatEndedIsReleased() throws Exception {
        AtomicLong connection = new AtomicLong();
        Thread worker = new Thread(() -> connection.set(acquireAndForget("left-behind")), "leaky-worker");
        worker.start();
        worker.join(PATIENCE.toMillis());
        assertThat(worker.isAlive()).isFalse();
        assertThat(locks.advisory("left-behind").holderConnectionIds()).containsExactly(connection.get());
        awaitCollected("the ended thread's lock to be released", () -> !locks.advisory("left-behind")
                .isLocked());
        Await.until(PATIENCE, "the connection back in the pool", () -> active() == 0);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("thread 'leaky-worker'"));
    }

    @Test
    void theThreadsOtherLocksStayHeldOnTheSameConnection() {
        try (LockHandle kept = locks.advisory("kept").acquire()) {
            long forgottenOn = acquireAndForget("dropped");
            assertThat(forgottenOn).isEqualTo(kept.connectionId());
            awaitCollected("the dropped lock to be released", () -> !locks.advisory("dropped")
                    .isLocked());
            assertThat(locks.advisory("kept").holderConnectionIds()).containsExactly(kept.connectionId());
            assertThat(active())
                    .as("the connection still pinned for the kept lock")
                    .isEqualTo(1);
            assertThat(kept.isHeld()).isTrue();
        }
        assertThat(active()).isZero();
        assertThat(locks.advisory("kept").isLocked()).isFalse();
    }

    @Test
    void aForgottenReentrantHoldOnlyDropsItsCount() {
        try (LockHandle outer = locks.advisory("counted").acquire()) {
            acquireAndForget("counted");
            awaitCollected("the leak warning", () -> !warnings.isEmpty());
            assertThat(locks.advisory("counted").holderConnectionIds())
                    .as("the outer hold keeps the lock")
                    .containsExactly(outer.connectionId());
        }
        assertThat(locks.advisory("counted").isLocked())
                .as("releasing the outer hold frees it: the count was right")
                .isFalse();
        assertThat(active()).isZero();
    }

    @Test
    void releasedHandlesAreNeverReportedAsLeaks() {
        for (int i = 0; i < 50; i++) {
            locks.advisory("tidy").acquire().release();
        }
        try (LockHandle last = locks.advisory("tidy").acquire()) {
            assertThat(last.isHeld()).isTrue();
        }
        // the full collections that find the sentinel find the 51 released handles too
        acquireAndForget("sentinel");
        awaitCollected("the sentinel's leak", () -> warnings.stream().anyMatch(w -> w.contains("sentinel")));
        assertThat(warnings).noneMatch(w -> w.contains("\"tidy\""));
    }
}
