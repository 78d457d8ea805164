package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.CountingDataSource;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.support.Probe;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Multiplexed session locks ({@link Multiplexing}, issue 21): many holders on few connections, checked against the
 * server's own view of the holders (read by an observer node on a connection of its own).
 *
 * <ul>
 *   <li>1,000 holders of distinct keys at once on a pool of 8: all granted, on at most the bound's connections.
 *   <li>Same-key cases are decided in the node: none sends a statement, and the server sees one holder.
 *   <li>Mutual exclusion inside one node and across two, under churn, counted inside every critical section.
 *   <li>A killed shared session loses exactly its own locks.
 *   <li>10,000 virtual threads holding distinct keys at once on a pool of 8 (JDK 21+).
 * </ul>
 */
@Needs
abstract class MultiplexingContract implements DriverUnderTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    TestDatabase db;
    DbLocks observer;
    Probe probe;
    final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        observer = DbLocks.create(db.dataSource());
        probe = Probe.of(db);
    }

    @AfterEach
    void tearDown() {
        pools.forEach(HikariDataSource::close);
    }

    /** A HikariCP pool of {@code size}, its connection timeout lowered to 5 s as in the measurement. */
    HikariDataSource pool(int size) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(5_000);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    static DbLocks multiplexed(javax.sql.DataSource dataSource) {
        return DbLocks.builder(dataSource).multiplexing(Multiplexing.defaults()).build();
    }

    /** Holds distinct keys from {@code holders} threads at once; checks the server's view while all are held. */
    private void holdDistinctKeysAtOnce(TestThreads on, int holders, String prefix) throws Exception {
        HikariDataSource pool = pool(8);
        DbLocks node = multiplexed(pool);
        CountDownLatch allHeld = new CountDownLatch(holders);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicInteger failed = new AtomicInteger();
        List<TestThreads.TestThread<Long>> started = new ArrayList<>();
        for (int i = 0; i < holders; i++) {
            String key = prefix + i;
            started.add(on.start("holder-" + i, () -> {
                try (LockHandle h =
                        node.advisory(key).timeout(Duration.ofSeconds(60)).acquire()) {
                    allHeld.countDown();
                    assertThat(letGo.await(120, TimeUnit.SECONDS)).isTrue();
                    return h.connectionId();
                } catch (LockException e) {
                    failed.incrementAndGet();
                    allHeld.countDown();
                    throw e;
                }
            }));
        }
        assertThat(allHeld.await(120, TimeUnit.SECONDS))
                .as("every holder got an answer")
                .isTrue();
        assertThat(failed).as("holders that failed").hasValue(0);
        int bound = Multiplexing.defaults().boundFor(8);
        List<LockKey> keys = IntStream.range(0, holders)
                .mapToObj(i -> LockKey.of(prefix + i))
                .toList();
        Set<Long> serverHolders = observer.advisory(keys).holderConnectionIds();
        assertThat(serverHolders)
                .as("sessions holding the keys, per the server")
                .hasSizeBetween(1, bound);
        assertThat(pool.getHikariPoolMXBean().getActiveConnections())
                .as("pool connections in use")
                .isBetween(1, bound);
        for (int i = 0; i < holders; i += Math.max(1, holders / 200)) {
            assertThat(observer.advisory(prefix + i).holderConnectionIds())
                    .as("holders of " + prefix + i)
                    .hasSize(1)
                    .isSubsetOf(serverHolders);
        }
        letGo.countDown();
        Set<Long> reported = new HashSet<>(TestThreads.getAll(Duration.ofSeconds(120), started));
        assertThat(reported).isEqualTo(serverHolders);
        Await.until(
                Duration.ofSeconds(10),
                "every connection back in the pool",
                () -> pool.getHikariPoolMXBean().getActiveConnections() == 0);
        assertThat(observer.advisory(keys).isLocked()).as("anything left held").isFalse();
    }

    @Test
    void aThousandHoldersOfDistinctKeysOnAPoolOfEightAreAllGrantedAtOnce() throws Exception {
        holdDistinctKeysAtOnce(threads, 1_000, "mx-thousand-");
    }

    @Test
    void tenThousandVirtualThreadsHoldDistinctKeysAtOnceOnAPoolOfEight() throws Exception {
        try (TestThreads virtual = new TestThreads(VirtualThreadContract.virtualThreads())) {
            holdDistinctKeysAtOnce(virtual, 10_000, "mx-virtual-");
        }
    }

    @Test
    void aKilledSharedSessionLosesExactlyItsOwnLocks() throws Exception {
        DbLocks node = DbLocks.builder(pool(8))
                .multiplexing(Multiplexing.upTo(3))
                .watchdog(Duration.ofMillis(200))
                .build();
        LockHandle first = node.advisory("mx-kill-0").acquire();
        // a second shared connection: a wait runs on a connection of its own, which is shared once granted
        LockHandle blocker = observer.advisory("mx-kill-w").acquire();
        CountDownLatch done = new CountDownLatch(1);
        Map<LockHandle, AtomicInteger> lost = new ConcurrentHashMap<>();
        TestThreads.TestThread<Void> waiter = threads.start("waiter", () -> {
            try (LockHandle w =
                    node.advisory("mx-kill-w").timeout(Duration.ofSeconds(20)).acquire()) {
                watch(w, lost);
                assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            }
        });
        Await.until(Duration.ofSeconds(10), "the waiter waits on the server", () -> probe.waitingForNamedLock() == 1);
        blocker.release();
        Await.until(Duration.ofSeconds(10), "the waiter holds", () -> lost.size() == 1);
        LockHandle waited = lost.keySet().iterator().next();
        assertThat(waited.connectionId()).as("the wait's own connection").isNotEqualTo(first.connectionId());
        watch(first, lost);
        for (int i = 1; i <= 6; i++) {
            watch(node.advisory("mx-kill-" + i).acquire(), lost);
        }
        Map<Long, List<LockHandle>> byConnection =
                lost.keySet().stream().collect(Collectors.groupingBy(LockHandle::connectionId));
        assertThat(byConnection).as("holds spread over both shared connections").hasSize(2);
        long killed = waited.connectionId();
        probe.terminate(killed);
        Await.until(
                Duration.ofSeconds(10),
                "the killed connection's holds are reported lost",
                () -> byConnection.get(killed).stream().noneMatch(LockHandle::isHeld));
        for (Map.Entry<Long, List<LockHandle>> on : byConnection.entrySet()) {
            for (LockHandle h : on.getValue()) {
                boolean wasKilled = on.getKey() == killed;
                assertThat(lost.get(h)).as("loss reports of " + h).hasValue(wasKilled ? 1 : 0);
                assertThat(h.isHeld()).as("held: " + h).isEqualTo(!wasKilled);
                if (!wasKilled) {
                    assertThat(h.confirmHeld()).isTrue();
                }
            }
        }
        for (LockHandle h : byConnection.get(first.connectionId())) {
            assertThat(observer.advisory(h.keys()).holderConnectionIds()).containsExactly(first.connectionId());
        }
        try (LockHandle again = node.advisory("mx-kill-again").acquire()) {
            assertThat(again.isHeld()).isTrue();
        }
        done.countDown();
        waiter.get(30, TimeUnit.SECONDS);
        byConnection.values().stream()
                .flatMap(List::stream)
                .filter(h -> h != waited)
                .forEach(LockHandle::release);
        assertThat(observer.advisory("mx-kill-0").isLocked()).isFalse();
    }

    private static void watch(LockHandle h, Map<LockHandle, AtomicInteger> lost) {
        AtomicInteger reports = new AtomicInteger();
        lost.put(h, reports);
        h.onLost(x -> reports.incrementAndGet());
    }

    @Test
    void mutualExclusionHoldsInsideOneNodeAndAcrossTwoUnderChurn() throws Exception {
        DbLocks one = multiplexed(pool(8));
        DbLocks two = multiplexed(pool(8));
        int keys = 6;
        AtomicInteger[] inside = new AtomicInteger[keys];
        AtomicInteger[] entries = new AtomicInteger[keys];
        for (int k = 0; k < keys; k++) {
            inside[k] = new AtomicInteger();
            entries[k] = new AtomicInteger();
        }
        AtomicInteger overlaps = new AtomicInteger();
        List<TestThreads.TestThread<Void>> workers = new ArrayList<>();
        for (int t = 0; t < 24; t++) {
            DbLocks node = t % 2 == 0 ? one : two;
            workers.add(threads.start("churn-" + t, () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 120; i++) {
                    int k = random.nextInt(keys);
                    AdvisoryLock lock = node.advisory("mx-churn-" + k);
                    Optional<LockHandle> h = random.nextBoolean()
                            ? lock.tryAcquire()
                            : Optional.of(lock.timeout(Duration.ofSeconds(30)).acquire());
                    if (h.isEmpty()) {
                        continue;
                    }
                    try (LockHandle held = h.get()) {
                        if (inside[k].incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        entries[k].incrementAndGet();
                        LockSupport.parkNanos(random.nextInt(200_000)); // simulated work, not synchronisation
                        inside[k].decrementAndGet();
                    }
                }
            }));
        }
        TestThreads.getAll(Duration.ofSeconds(120), workers);
        assertThat(overlaps)
                .as("critical sections entered while another was inside")
                .hasValue(0);
        assertThat(IntStream.range(0, keys).map(k -> entries[k].get()).sum())
                .as("critical sections entered")
                .isGreaterThan(24 * 120 / 4);
        for (int k = 0; k < keys; k++) {
            assertThat(observer.advisory("mx-churn-" + k).isLocked()).isFalse();
        }
    }

    @Test
    void sameKeyCasesAreDecidedInTheNodeAndTheServerSeesOneHolder() throws Exception {
        CountingDataSource counting = new CountingDataSource(dataSource(db));
        DbLocks node = multiplexed(counting.dataSource());
        try (LockHandle held = node.advisory("mx-same").acquire()) {
            int[] other = threads.start("other", () -> {
                        int[] result = new int[2];
                        result[1] = counting.count(() -> result[0] =
                                node.advisory("mx-same").tryAcquire().isPresent() ? 1 : 0);
                        return result;
                    })
                    .get(30, TimeUnit.SECONDS);
            assertThat(other[0])
                    .as("another thread's exclusive request: granted")
                    .isZero();
            assertThat(other[1]).as("statements it sent").isZero();
            LockHandle[] inner = new LockHandle[1];
            assertThat(counting.count(() -> inner[0] = node.advisory("mx-same").acquire()))
                    .as("statements a re-entrant request sent")
                    .isZero();
            assertThat(observer.advisory("mx-same").holderConnectionIds()).containsExactly(held.connectionId());
            inner[0].release();
            assertThat(observer.advisory("mx-same").holderConnectionIds())
                    .as("the outer hold still holds")
                    .containsExactly(held.connectionId());
        }
        assertThat(observer.advisory("mx-same").isLocked()).isFalse();
    }

    @Test
    void sharedHoldsOfTwoThreadsRideTheServerAndAnExclusiveBesideThemWaitsInTheNode() throws Exception {
        assumeThat(db.engine()).as("shared advisory locks are PostgreSQL's").isEqualTo("PostgreSQL");
        DbLocks node = multiplexed(pool(8));
        try (LockHandle first = node.advisory("mx-shared").shared().acquire()) {
            CountDownLatch bothHeld = new CountDownLatch(1);
            CountDownLatch letGo = new CountDownLatch(1);
            TestThreads.TestThread<Void> second = threads.start("second-shared", () -> {
                try (LockHandle h = node.advisory("mx-shared").shared().acquire()) {
                    bothHeld.countDown();
                    assertThat(letGo.await(30, TimeUnit.SECONDS)).isTrue();
                }
            });
            assertThat(bothHeld.await(30, TimeUnit.SECONDS)).isTrue();
            TestThreads.TestThread<Boolean> exclusive = threads.start("exclusive", () -> {
                try (LockHandle h = node.advisory("mx-shared")
                        .timeout(Duration.ofSeconds(20))
                        .acquire()) {
                    return h.isHeld();
                }
            });
            Await.until(
                    Duration.ofSeconds(10),
                    "the exclusive request queued in the node",
                    () -> node.locallyWaitingThreads() == 1);
            assertThat(probe.waitingForNamedLock()).as("waits on the server").isZero();
            letGo.countDown();
            second.get(30, TimeUnit.SECONDS);
            first.release();
            assertThat(exclusive.get(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aThreadAskingForTheOtherModeOfItsKeyIsGrantedOnItsConnectionOrToldWhyNot() {
        assumeThat(db.engine()).as("shared advisory locks are PostgreSQL's").isEqualTo("PostgreSQL");
        DbLocks node = multiplexed(pool(8));
        try (LockHandle shared = node.advisory("mx-modes").shared().acquire()) {
            try (LockHandle exclusive = node.advisory("mx-modes").acquire()) {
                assertThat(exclusive.connectionId()).isEqualTo(shared.connectionId());
            }
            assertThat(observer.advisory("mx-modes").holderConnectionIds()).containsExactly(shared.connectionId());
            try (LockHandle remote = observer.advisory("mx-modes").shared().acquire()) {
                assertThat(node.advisory("mx-modes").tryAcquire()).isEmpty();
                assertThatThrownBy(() -> node.advisory("mx-modes")
                                .timeout(Duration.ofSeconds(5))
                                .acquire())
                        .isInstanceOf(LockUsageException.class)
                        .hasMessageContaining("other mode")
                        .hasMessageContaining("Multiplexing.off()");
                assertThat(remote.isHeld()).isTrue();
            }
        }
        assertThat(observer.advisory("mx-modes").isLocked()).isFalse();
    }

    @Test
    void aCycleBetweenThreadsOfOneMultiplexedNodeEndsWithADeadlockException() throws Exception {
        DbLocks node = multiplexed(pool(8));
        java.util.concurrent.CyclicBarrier bothHold = new java.util.concurrent.CyclicBarrier(2);
        TestThreads.TestThread<Object> one =
                threads.start("a-then-b", () -> cross(node, "mx-dl-a", "mx-dl-b", bothHold));
        TestThreads.TestThread<Object> two =
                threads.start("b-then-a", () -> cross(node, "mx-dl-b", "mx-dl-a", bothHold));
        List<Object> outcomes = List.of(one.get(30, TimeUnit.SECONDS), two.get(30, TimeUnit.SECONDS));
        assertThat(outcomes).filteredOn(o -> o instanceof LockDeadlockException).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof Boolean).hasSize(1);
    }

    /** Holds {@code first}, then asks for {@code second}: true if granted, else the exception. */
    static Object cross(DbLocks node, String first, String second, java.util.concurrent.CyclicBarrier bothHold)
            throws Exception {
        try (LockHandle held = node.advisory(first).acquire()) {
            bothHold.await(10, TimeUnit.SECONDS);
            try (LockHandle both =
                    node.advisory(second).timeout(Duration.ofSeconds(20)).acquire()) {
                return Boolean.TRUE;
            } catch (LockDeadlockException e) {
                return e;
            }
        }
    }
}
