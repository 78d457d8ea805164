package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.spi.ServerStatus;
import io.dblock.support.Needs;
import io.dblock.support.Server;
import io.dblock.support.ServerRestart;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Holder first across a server restart (issue 20.1): node A holds a fenced session lock; the server restarts; node B
 * asks for the same lock on the restarted server. With a 1 s watchdog on A and a grace period of A's detection bound
 * (1 s + 5 s) on B, B is granted only after A was told, with a greater token; without a grace period (the control, A
 * with the default 10 s watchdog), B is granted at once, and the window in which A still believes it holds the lock
 * is printed. Only the embedded servers can be restarted.
 */
@Needs(ServerStatus.class)
abstract class FailoverGraceContract {

    static final Duration WATCHDOG = Duration.ofSeconds(1);
    static final Duration GRACE = WATCHDOG.plusSeconds(5);

    @AutoClose
    final TestThreads threads = new TestThreads();

    final List<AutoCloseable> closeAfter = new ArrayList<>();
    TestDatabase db;

    @BeforeEach
    void setUp(TestDatabase db) {
        assumeThat(ServerRestart.supported(db))
                .as("only the embedded servers can be restarted")
                .isTrue();
        this.db = db;
        DbLocks.create(db.dataSource()).createFencingTable();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    DbLocks node(Duration watchdog, Failover failover) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource());
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(0);
        HikariDataSource pool = new HikariDataSource(config);
        closeAfter.add(pool);
        DbLocks locks =
                DbLocks.builder(pool).watchdog(watchdog).failover(failover).build();
        closeAfter.add(() -> locks.close(Duration.ZERO));
        return locks;
    }

    /** When A was told and B granted, in ms after the restart returned. */
    record Outcome(
            long toldMs,
            long grantedMs,
            boolean refusedDuringGrace,
            boolean graceShown,
            long graceHeardMs,
            long tokenBefore,
            long tokenAfter) {}

    Outcome restartWhileHeld(Duration holderWatchdog, Failover forB) throws Exception {
        String key = "grace-" + java.util.UUID.randomUUID();
        DbLocks a = node(holderWatchdog, Failover.defaults());
        LockHandle held = a.advisory(key).fenced().acquire();
        long tokenBefore = held.fencingToken().orElseThrow();
        AtomicLong toldAt = new AtomicLong();
        CountDownLatch told = new CountDownLatch(1);
        held.onLost(h -> {
            toldAt.set(System.nanoTime());
            told.countDown();
        });
        ServerRestart.restart(db);
        long restarted = System.nanoTime();
        Await.untilChecked(
                Duration.ofSeconds(30),
                "the server answers",
                () -> new Server(db.dataSource()).queryInt("SELECT 1") == 1);
        AtomicLong heard = new AtomicLong(-1);
        DbLocks b = DbLocks.builder(pool())
                .watchdog(WATCHDOG)
                .failover(forB)
                .listener(new LockListener() {
                    @Override
                    public void graceWaited(String lock, String engine, Duration waited) {
                        heard.compareAndSet(-1, waited.toMillis());
                    }
                })
                .build();
        closeAfter.add(() -> b.close(Duration.ZERO));
        java.util.Optional<LockHandle> first = b.advisory(key).tryAcquire();
        boolean refused = first.isEmpty();
        boolean shown = b.inspector().graceLeft().isPresent();
        first.ifPresent(LockHandle::release);
        TestThreads.TestThread<long[]> asking = threads.start("node-b", () -> {
            try (LockHandle granted =
                    b.advisory(key).fenced().timeout(Duration.ofSeconds(30)).acquire()) {
                return new long[] {System.nanoTime(), granted.fencingToken().orElseThrow()};
            }
        });
        long[] grant = asking.get(40, TimeUnit.SECONDS);
        long grantedAt = grant[0];
        long tokenAfter = grant[1];
        assertThat(told.await(20, TimeUnit.SECONDS)).as("A is told").isTrue();
        return new Outcome(
                TimeUnit.NANOSECONDS.toMillis(toldAt.get() - restarted),
                TimeUnit.NANOSECONDS.toMillis(grantedAt - restarted),
                refused,
                shown,
                heard.get(),
                tokenBefore,
                tokenAfter);
    }

    HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource());
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(0);
        HikariDataSource pool = new HikariDataSource(config);
        closeAfter.add(pool);
        return pool;
    }

    @Test
    void afterARestartNoNodeIsGrantedTheLockBeforeItsHolderIsTold() throws Exception {
        Outcome o = restartWhileHeld(WATCHDOG, Failover.defaults().withGrace(GRACE));
        System.out.printf(
                "%s restart, grace %d ms: holder told %d ms after, other node granted %d ms after (overlap %d ms),"
                        + " tokens %d -> %d%n",
                db.engine(),
                GRACE.toMillis(),
                o.toldMs,
                o.grantedMs,
                Math.max(0, o.toldMs - o.grantedMs),
                o.tokenBefore,
                o.tokenAfter);
        assertThat(o.toldMs)
                .as("the holder is told before the other node is granted")
                .isLessThan(o.grantedMs);
        assertThat(o.tokenAfter)
                .as("fencing tokens increase across the restart")
                .isGreaterThan(o.tokenBefore);
        assertThat(o.refusedDuringGrace)
                .as("tryAcquire() is refused during the grace")
                .isTrue();
        assertThat(o.graceShown).as("the inspector shows the grace left").isTrue();
        assertThat(o.graceHeardMs).as("the listener heard the grace wait").isGreaterThanOrEqualTo(0);
    }

    @Test
    void withoutAGracePeriodAnotherNodeIsGrantedWhileTheHolderStillBelievesItHoldsTheLock() throws Exception {
        Outcome o = restartWhileHeld(
                Duration.ofSeconds(DbLocks.DEFAULT_WATCHDOG_SECONDS),
                Failover.defaults().withGrace(Duration.ZERO));
        System.out.printf(
                "%s restart, no grace, holder watchdog 10 s: holder told %d ms after, other node granted %d ms after (overlap %d ms)%n",
                db.engine(), o.toldMs, o.grantedMs, Math.max(0, o.toldMs - o.grantedMs));
        assertThat(o.refusedDuringGrace).as("granted at once").isFalse();
        assertThat(o.graceShown).isFalse();
    }
}
