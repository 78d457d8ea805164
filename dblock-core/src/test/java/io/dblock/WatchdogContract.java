package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.support.CountingDataSource;
import io.dblock.support.Holder;
import io.dblock.support.Needs;
import io.dblock.support.Probe;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watchdog finds lost session locks within one interval, reports them once, and leaves healthy ones alone. */
@Needs
abstract class WatchdogContract {

    static final Duration INTERVAL = Duration.ofMillis(100);

    DataSource dataSource;
    CountingDataSource counting;
    Probe probe;
    DbLocks locks;
    final List<String> lostHeard = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(DataSource dataSource, TestDatabase db) {
        this.dataSource = dataSource;
        counting = new CountingDataSource(dataSource);
        probe = Probe.of(db);
        locks = DbLocks.builder(counting.dataSource())
                .watchdog(INTERVAL)
                .listener(new LockListener() {
                    @Override
                    public void lost(LockEvent event) {
                        lostHeard.add(event.lock());
                    }
                })
                .build();
    }

    @Test
    void aTerminatedHolderIsFoundLostOnceAndReleaseIsQuiet() throws Exception {
        LockHandle h = locks.advisory("watched").acquire();
        CountDownLatch lost = new CountDownLatch(1);
        AtomicInteger callbacks = new AtomicInteger();
        h.onLost(handle -> {
            callbacks.incrementAndGet();
            lost.countDown();
        });
        probe.terminate(h.connectionId());
        assertThat(lost.await(10, TimeUnit.SECONDS)).as("onLost ran").isTrue();
        assertThat(h.isHeld()).isFalse();
        // another node can take the key now: the server really dropped it
        try (LockHandle other =
                DbLocks.create(dataSource).advisory("watched").tryAcquire().orElseThrow()) {
            assertThat(other.isHeld()).isTrue();
        }
        h.release(); // no driver error: the handle is known lost
        assertThat(callbacks).hasValue(1);
        assertThat(lostHeard).containsExactly("advisory \"watched\"");
        AtomicInteger late = new AtomicInteger();
        h.onLost(handle -> late.incrementAndGet()); // registered after the loss: runs at once
        assertThat(late).hasValue(1);
        try (LockHandle again = locks.advisory("watched").acquire()) { // this thread gets a fresh connection
            assertThat(again.isHeld()).isTrue();
            assertThat(again.connectionId()).isNotEqualTo(h.connectionId());
        }
    }

    @Test
    void aLostLockLeftUnreleasedIsLoggedOnceNamingIt() throws Exception {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.dblock.Watchdog");
        List<String> warnings = new CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(r.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(capture);
        // two connections, one per holding thread: the healthy one stays checked after the other's session ends
        locks = DbLocks.builder(counting.dataSource())
                .multiplexing(Multiplexing.off())
                .watchdog(INTERVAL)
                .build();
        Holder healthy =
                Holder.start(() -> Optional.of(locks.advisory("watched-healthy").acquire()));
        try {
            healthy.acquired().get(10, TimeUnit.SECONDS);
            LockHandle h = locks.advisory("watched-unreleased").acquire();
            probe.terminate(h.connectionId());
            Await.until(Duration.ofSeconds(10), "the loss found", () -> !h.isHeld());
            int before = counting.executions();
            // the healthy lock's connection is checked on every pass: wait for three more
            Await.until(Duration.ofSeconds(10), "three more passes", () -> counting.executions() - before >= 3);
            assertThat(warnings)
                    .as("one warning for the lost lock, however many passes see it")
                    .hasSize(1)
                    .first()
                    .asString()
                    .contains("advisory \"watched-unreleased\"");
            h.release();
        } finally {
            log.removeHandler(capture);
            healthy.release();
        }
    }

    @Test
    void healthyLocksStayHeldAcrossManyPasses() {
        try (LockHandle h = locks.advisory("healthy").acquire()) {
            AtomicInteger callbacks = new AtomicInteger();
            h.onLost(handle -> callbacks.incrementAndGet());
            int before = counting.executions();
            // each pass runs one query through this DbLocks' data source: wait for five of them
            Await.until(Duration.ofSeconds(10), "five watchdog passes", () -> counting.executions() - before >= 5);
            assertThat(h.isHeld()).isTrue();
            assertThat(callbacks).hasValue(0);
            assertThat(lostHeard).isEmpty();
        }
    }

    @Test
    void intervalsAreChecked() {
        assertThatThrownBy(() -> DbLocks.builder(dataSource).watchdog(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DbLocks.builder(dataSource).watchdog(Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 ms");
        assertThatThrownBy(() -> DbLocks.builder(dataSource).watchdog(null)).isInstanceOf(NullPointerException.class);
        DbLocks off = DbLocks.builder(dataSource).watchdog(Duration.ZERO).build();
        off.advisory("off").acquire().close();
    }

    /**
     * Three holders on a pool of three: no connection is left for anything else, and one holder's session is killed.
     * The watchdog asks each holding session on its own connection, so the loss is reported within one interval plus
     * one query all the same (before, a pass that could not borrow a connection checked nothing: no report for 7 s).
     */
    @Test
    void aHolderKilledWhileThePoolIsFullOfHoldersIsReportedWithinOneIntervalAndAQuery() throws Exception {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setDataSource(dataSource);
        config.setMaximumPoolSize(3);
        config.setConnectionTimeout(1_000);
        Duration interval = Duration.ofMillis(200);
        java.util.Map<String, Long> lostAt = new java.util.concurrent.ConcurrentHashMap<>();
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            DbLocks full = DbLocks.builder(pool)
                    .multiplexing(Multiplexing.off()) // each holder on a connection of its own, filling the pool
                    .watchdog(interval)
                    .listener(new LockListener() {
                        @Override
                        public void lost(LockEvent event) {
                            lostAt.putIfAbsent(event.lock(), System.nanoTime());
                        }
                    })
                    .build();
            List<Holder> holders = new java.util.ArrayList<>();
            List<Long> sessions = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String key = "full-pool-" + i;
                Holder holder = Holder.start(() -> full.advisory(key).tryAcquire());
                holders.add(holder);
                sessions.add(holder.acquired().get(10, TimeUnit.SECONDS));
            }
            assertThat(sessions).allSatisfy(id -> assertThat(id).isPositive());
            assertThat(pool.getHikariPoolMXBean().getIdleConnections())
                    .as("every pool connection holds a lock")
                    .isZero();
            long killed = System.nanoTime();
            probe.terminate(sessions.get(1));
            Await.until(
                    Duration.ofSeconds(5),
                    "the killed holder is reported lost",
                    () -> lostAt.containsKey("advisory \"full-pool-1\""));
            long millis = TimeUnit.NANOSECONDS.toMillis(lostAt.get("advisory \"full-pool-1\"") - killed);
            System.out.println(
                    "watchdog, pool full of holders, interval 200 ms: lost reported after " + millis + " ms");
            assertThat(lostAt).as("only the killed holder").containsOnlyKeys("advisory \"full-pool-1\"");
            for (Holder holder : holders) {
                holder.release();
            }
        }
    }

    /**
     * Key churn (threads taking and releasing distinct session locks as fast as they can) beside long-held locks, at
     * the watchdog's minimum interval, nothing killed: no hold is ever reported lost. The watchdog enters each pin
     * before it looks, so a hold cannot start or end between its snapshot and the server's answer.
     */
    @Test
    void keyChurnAtTheMinimumIntervalGivesNoFalseLossReports() throws Exception {
        io.dblock.support.FaultInjectingDataSource watched =
                new io.dblock.support.FaultInjectingDataSource(dataSource, isPostgres());
        java.util.concurrent.atomic.AtomicInteger falseReports = new java.util.concurrent.atomic.AtomicInteger();
        DbLocks churned = DbLocks.builder(watched.dataSource())
                .watchdog(Duration.ofMillis(10))
                .listener(new LockListener() {
                    @Override
                    public void lost(LockEvent event) {
                        falseReports.incrementAndGet();
                    }
                })
                .build();
        Holder longA = Holder.start(() -> churned.advisory("churn-long-a").tryAcquire());
        Holder longB = Holder.start(() -> churned.advisory("churn-long-b").tryAcquire());
        assertThat(longA.acquired().get(10, TimeUnit.SECONDS)).isPositive();
        assertThat(longB.acquired().get(10, TimeUnit.SECONDS)).isPositive();
        int checksBefore = watched.holderQueries();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        java.util.concurrent.atomic.AtomicLong cycles = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> churners = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread churner = new Thread(
                    () -> {
                        // every other round on top of an anchor held meanwhile: holds start and end on a pin
                        // that keeps holding something, while the watchdog looks at it
                        try {
                            for (int i = 0; System.nanoTime() < end; i++) {
                                LockHandle anchor = i % 2 == 0
                                        ? churned.advisory("churn-anchor-" + thread)
                                                .acquire()
                                        : null;
                                try (LockHandle h = churned.advisory("churn-" + thread + "-" + (i % 50))
                                        .acquire()) {
                                    cycles.incrementAndGet();
                                }
                                try (LockHandle h = churned.advisory("churn-" + thread + "-b" + (i % 50))
                                        .acquire()) {
                                    cycles.incrementAndGet();
                                }
                                if (anchor != null) {
                                    anchor.release();
                                }
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    },
                    "churn-" + t);
            churner.start();
            churners.add(churner);
        }
        for (Thread churner : churners) {
            churner.join(30_000);
            assertThat(churner.isAlive()).isFalse();
        }
        int checks = watched.holderQueries() - checksBefore;
        System.out.println("watchdog churn, 10 ms interval, 5 s: " + cycles.get() + " acquire/release cycles, " + checks
                + " watchdog checks, " + falseReports.get() + " loss reports");
        assertThat(failure.get()).isNull();
        assertThat(checks).as("the watchdog did check").isGreaterThan(10);
        assertThat(falseReports).as("false loss reports").hasValue(0);
        longA.release();
        longB.release();
    }

    private boolean isPostgres() {
        return counting != null && locks.engineName().equals("PostgreSQL");
    }
}
