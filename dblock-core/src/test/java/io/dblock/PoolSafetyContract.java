package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.FaultInjectingDataSource;
import io.dblock.support.FaultInjectingDataSource.Fault;
import io.dblock.support.Needs;
import io.dblock.support.SpecCompliantWrapper;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No lock ever leaks through a connection pool, also when unlock statements fail: many threads on a small HikariCP
 * pool take random session locks (blocking with timeouts, try, nested, several keys) from two {@code DbLocks} sharing
 * the pool, while a wrapper makes a seeded random subset of releases fail before or after the unlock ran. Every
 * connection the pool hands out is asked what its own session holds; it must be nothing.
 *
 * <p>Set the system property {@value #SEED_PROPERTY} to replay another run; failures name the seed.
 */
@Needs
abstract class PoolSafetyContract implements DriverUnderTest {

    static final String SEED_PROPERTY = "dblock.poolsafety.seed";
    static final long SEED = Long.getLong(SEED_PROPERTY, 20_240_601L);
    static final int THREADS = 16;
    static final int POOL_SIZE = 4;
    static final int KEYS = 6;
    static final int ITERATIONS = 40;
    static final Duration RUN_LIMIT = Duration.ofSeconds(10);

    HikariDataSource pool;
    FaultInjectingDataSource faults;
    DbLocks nodeA;
    DbLocks nodeB;
    TestDatabase db;
    boolean postgres;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        postgres = db.engine().equals("PostgreSQL");
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setMaximumPoolSize(POOL_SIZE);
        config.setConnectionTimeout(5_000);
        pool = new HikariDataSource(config);
        faults = new FaultInjectingDataSource(pool, postgres);
        // Two nodes share the pool, so keys are contended both locally (one DbLocks) and on the server (the other).
        nodeA = DbLocks.builder(faults.dataSource()).watchdog(Duration.ZERO).build();
        nodeB = DbLocks.builder(faults.dataSource()).watchdog(Duration.ZERO).build();
    }

    @AfterEach
    void tearDown() {
        pool.close();
    }

    /** What the workers saw; anything in {@code unexpected} fails the test. */
    static final class Tally {
        final AtomicInteger acquired = new AtomicInteger();
        final AtomicInteger notGranted = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();
        final AtomicIntegerArray holders = new AtomicIntegerArray(KEYS);
        final List<String> unexpected = new CopyOnWriteArrayList<>();
    }

    @Test
    void failedUnlocksUnderLoadNeverLeaveALockOnAPooledConnection() throws Exception {
        Tally tally = new Tally();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(SEED * 31 + t);
                DbLocks node = t % 2 == 0 ? nodeA : nodeB;
                workers.add(executor.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < ITERATIONS && System.nanoTime() - deadline < 0; i++) {
                        iteration(node, random, tally);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(RUN_LIMIT.toSeconds() + 30, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        String seed = " (seed " + SEED + ", -D" + SEED_PROPERTY + "=" + SEED + " to replay)";
        System.getLogger(PoolSafetyContract.class.getName())
                .log(
                        System.Logger.Level.INFO,
                        "{0}: {1} acquired, {2} not granted, {3} released, faults {4} before / {5} after the unlock,"
                                + " {6} connections handed out, in {7} ms{8}",
                        db.engine(),
                        tally.acquired,
                        tally.notGranted,
                        tally.releases,
                        faults.injected(Fault.BEFORE_UNLOCK),
                        faults.injected(Fault.AFTER_UNLOCK),
                        faults.borrows(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deadline + RUN_LIMIT.toNanos()),
                        seed);
        assertThat(tally.unexpected).as("unexpected outcomes" + seed).isEmpty();
        assertThat(faults.violations())
                .as("connections handed out holding a lock" + seed)
                .isEmpty();
        assertThat(pool.getHikariPoolMXBean().getActiveConnections())
                .as("connections still borrowed after the run")
                .isZero();
        everyPooledConnectionHoldsNothing(seed);
        Await.untilChecked(Duration.ofSeconds(5), "no session holds a lock after the run", () -> serverLocks()
                .isEmpty());
        // The run really exercised what it claims to.
        assertThat(tally.acquired).as("locks acquired" + seed).hasValueGreaterThan(30);
        assertThat(tally.notGranted)
                .as("requests not granted (contention)" + seed)
                .hasValueGreaterThan(0);
        assertThat(faults.injected(Fault.BEFORE_UNLOCK))
                .as("faults before the unlock" + seed)
                .isPositive();
        assertThat(faults.injected(Fault.AFTER_UNLOCK))
                .as("faults after the unlock" + seed)
                .isPositive();
    }

    /**
     * A no-wait request for two keys gets the free one and not the busy one, so dblock unlocks the free one again
     * before giving up; when that unlock fails, the connection must not go back to the pool holding the key.
     */
    @Test
    void aFailedUnlockOfAPartialGrantNeverLeavesTheKeyOnAPooledConnection() throws Exception {
        DbLocks otherNode = DbLocks.create(dataSource(db));
        try (LockHandle busy = otherNode.advisory(LockKey.of(902L)).acquire()) {
            AdvisoryLock both = nodeA.advisory(LockKey.of(901L), LockKey.of(902L));
            List<Object> outcome = new ArrayList<>();
            faults.failingNextUnlock(Fault.BEFORE_UNLOCK, () -> outcome.add(attempt(() -> both.tryAcquire())));
            assertThat(faults.injected(Fault.BEFORE_UNLOCK))
                    .as("the cleanup unlock ran")
                    .isEqualTo(1);
            assertThat(outcome).first().as("the cleanup failed").isInstanceOf(LockFailedException.class);
            everyPooledConnectionHoldsNothing(" (after " + outcome + ")");
            assertThat(otherNode.advisory(901L).tryAcquire())
                    .as("the free key is free again")
                    .hasValueSatisfying(LockHandle::close);
        }
    }

    /** The same for a timed wait: the first key is granted, the second times out, the cleanup unlock fails. */
    @Test
    void aFailedUnlockAfterATimedOutWaitNeverLeavesTheKeyOnAPooledConnection() throws Exception {
        DbLocks otherNode = DbLocks.create(dataSource(db));
        try (LockHandle busy = otherNode.advisory(LockKey.of(912L)).acquire()) {
            AdvisoryLock both = nodeA.advisory(LockKey.of(911L), LockKey.of(912L));
            List<Object> outcome = new ArrayList<>();
            faults.failingNextUnlock(
                    Fault.BEFORE_UNLOCK, () -> outcome.add(attempt(() -> both.tryAcquire(Duration.ofMillis(100)))));
            assertThat(faults.injected(Fault.BEFORE_UNLOCK))
                    .as("the cleanup unlock ran")
                    .isEqualTo(1);
            assertThat(outcome)
                    .first()
                    .as("the failed cleanup is the outcome, not a timeout (a timed try never throws one)")
                    .isInstanceOf(LockFailedException.class);
            everyPooledConnectionHoldsNothing(" (after " + outcome + ")");
            assertThat(otherNode.advisory(911L).tryAcquire())
                    .as("the granted key is free again")
                    .hasValueSatisfying(LockHandle::close);
        }
    }

    /**
     * When the unlock fails and so does dblock's clean-up of the session (unlock-all), the connection cannot be
     * trusted: it must be closed, never pooled, and the server then frees the lock.
     */
    @Test
    void anUnlockWhoseCleanUpFailsTooEndsTheSessionInsteadOfPoolingIt() throws Exception {
        DbLocks otherNode = DbLocks.create(dataSource(db));
        LockHandle handle = nodeA.advisory("pool-safety-cleanup-fails").acquire();
        faults.failingNextUnlocks(Fault.BEFORE_UNLOCK, 2, handle::release);
        assertThat(faults.injected(Fault.BEFORE_UNLOCK))
                .as("the unlock and the clean-up both failed")
                .isEqualTo(2);
        assertThat(handle.isHeld()).isFalse();
        everyPooledConnectionHoldsNothing("");
        Await.until(Duration.ofSeconds(5), "the server ended the session and freed the key", () -> otherNode
                .advisory("pool-safety-cleanup-fails")
                .tryAcquire()
                .map(h -> {
                    h.close();
                    return true;
                })
                .orElse(false));
    }

    /**
     * JDBC lets a wrapper answer {@code unwrap(Connection.class)} with itself ("if the receiver implements the
     * interface then the result is the receiver"); a connection dblock must end (its unlock and the clean-up failed)
     * must still stay out of the pool behind such a wrapper.
     */
    @Test
    void aConnectionEndedBehindAWrapperThatUnwrapsToItselfNeverGoesBackToThePoolHoldingTheKey() throws Exception {
        DbLocks wrapped = DbLocks.builder(SpecCompliantWrapper.of(faults.dataSource()))
                .watchdog(Duration.ZERO)
                .build();
        LockHandle handle = wrapped.advisory("behind-a-wrapper").acquire();
        faults.failingNextUnlocks(Fault.BEFORE_UNLOCK, 2, handle::release);
        assertThat(faults.injected(Fault.BEFORE_UNLOCK)).isEqualTo(2);
        assertThat(handle.isHeld()).isFalse();
        everyPooledConnectionHoldsNothing("");
    }

    private static Object attempt(java.util.function.Supplier<Optional<LockHandle>> request) {
        try {
            Optional<LockHandle> handle = request.get();
            handle.ifPresent(LockHandle::close);
            return handle;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** One random operation; every lock taken is released, some releases with a fault injected. */
    private void iteration(DbLocks node, Random random, Tally tally) {
        int op = random.nextInt(5);
        int k1 = random.nextInt(KEYS);
        int k2 = random.nextInt(KEYS);
        Duration wait = Duration.ofMillis(random.nextInt(120));
        Optional<LockHandle> outer = take(node, op, k1, k2, wait, tally);
        if (outer.isEmpty()) {
            return;
        }
        try {
            if (op == 3) { // nested: a second lock on the same pinned connection (the same key re-enters)
                Optional<LockHandle> inner = take(node, 1, k2, k2, wait, tally);
                if (inner.isPresent()) {
                    work(tally, k1, k2);
                    release(inner.get(), random, tally);
                }
            } else {
                work(tally, k1, op == 4 ? k2 : k1);
            }
        } finally {
            release(outer.get(), random, tally);
        }
    }

    private Optional<LockHandle> take(DbLocks node, int op, int k1, int k2, Duration wait, Tally tally) {
        try {
            Optional<LockHandle> handle =
                    switch (op) {
                        case 0, 3 ->
                            Optional.of(node.advisory(key(k1)).timeout(wait).acquire());
                        case 1 -> node.advisory(key(k1)).tryAcquire(wait);
                        case 2 -> node.advisory(key(k1)).tryAcquire();
                        default ->
                            node.advisory(LockKey.of(key(k1)), LockKey.of(key(k2)))
                                    .tryAcquire(wait);
                    };
            (handle.isPresent() ? tally.acquired : tally.notGranted).incrementAndGet();
            return handle;
        } catch (LockTimeoutException | LockDeadlockException e) {
            tally.notGranted.incrementAndGet();
        } catch (RuntimeException e) {
            expected(e, tally);
        }
        return Optional.empty();
    }

    /** The guarded work: nobody else may hold these keys now (checked in memory across both nodes). */
    private static void work(Tally tally, int... keys) {
        int[] distinct = java.util.Arrays.stream(keys).distinct().toArray();
        for (int k : distinct) {
            if (tally.holders.incrementAndGet(k) != 1) {
                tally.unexpected.add("two holders of " + key(k) + " at once");
            }
        }
        for (int k : distinct) {
            tally.holders.decrementAndGet(k);
        }
    }

    /** Releases, making the unlock fail before or after it ran for about a third of the releases. */
    private void release(LockHandle handle, Random random, Tally tally) {
        int dice = random.nextInt(6);
        try {
            if (dice == 0) {
                faults.failingNextUnlock(Fault.BEFORE_UNLOCK, handle::release);
            } else if (dice == 1) {
                // a connection failure under the unlock: the release cannot be confirmed, and says so
                int[] met = new int[1];
                Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                        () -> met[0] = faults.injectingNextUnlocks(Fault.AFTER_UNLOCK, 1, handle::release));
                boolean unlockFailed = thrown != null || met[0] > 0; // an inner hold's release sends no unlock
                boolean told = thrown instanceof LockLostException
                        && thrown.getCause() instanceof java.sql.SQLException cause
                        && "08006".equals(cause.getSQLState());
                if (unlockFailed && !told) {
                    tally.unexpected.add("a release whose connection failed ended with " + thrown);
                }
            } else {
                handle.release();
            }
            tally.releases.incrementAndGet();
        } catch (RuntimeException e) {
            tally.unexpected.add("release() threw " + e);
        }
        if (handle.isHeld()) {
            tally.unexpected.add("a released handle says it is held: " + handle);
        }
    }

    private void expected(RuntimeException e, Tally tally) {
        // The pool may be empty for a while (16 threads, 4 connections): that is a clear, specific failure.
        if (e instanceof LockFailedException && e.getMessage().contains("could not get a connection")) {
            tally.notGranted.incrementAndGet();
        } else if (e instanceof LockLostException && e.getMessage().contains("so it cannot be re-entered")) {
            // Multiplexed: another thread's unlock failed on the connection this thread's hold shares, so the
            // connection was discarded and every hold on it is lost; the re-entry says so instead of re-entering.
            tally.notGranted.incrementAndGet();
        } else {
            tally.unexpected.add(e.toString());
        }
    }

    private static String key(int k) {
        return "pool-safety-" + k;
    }

    private void everyPooledConnectionHoldsNothing(String seed) throws Exception {
        List<Connection> all = new ArrayList<>();
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                all.add(faults.dataSource().getConnection()); // the wrapper checks each one
            }
        } finally {
            for (Connection c : all) {
                c.close();
            }
        }
        assertThat(faults.violations())
                .as("pooled connections holding a lock after the run" + seed)
                .isEmpty();
    }

    private List<?> serverLocks() throws Exception {
        return postgres ? db.advisoryLocks() : db.userLocks();
    }
}
