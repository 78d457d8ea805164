package io.dblock.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.dblock.AdvisoryLock;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many virtual threads of one node wait for a few keys: what local queueing costs as the waiters grow (issue 26).
 *
 * <ol>
 *   <li>One {@link DbLocks} over a HikariCP pool of {@link #POOL_SIZE}; {@code threads} virtual threads, each key
 *       wanted by {@code threads / keys} of them at any time on average.
 *   <li>Each thread loops {@code acquire()} then {@code release()} of a key drawn at random, no hold: a thread that
 *       let a key go goes on to queue for another, so a release hands its key to a local waiter (a thread that kept
 *       one key would take it straight back, and the waiters would never run).
 *   <li>Operations are counted in the recording window, after the warm-up; then the threads stop after their current
 *       operation and must all end within a minute.
 *   <li>The thread counts take turns, {@code rounds} times (200, 2,000, 200, 2,000, ...), each with a new pool, and
 *       each count reports the median of its rounds: on a machine shared with the servers (and here with other
 *       builds), one window of a few seconds is noisy, and the later runs of one JVM have the warmer code.
 * </ol>
 *
 * Virtual threads come from {@code Thread.ofVirtual().factory()}, looked up reflectively (the module is built for
 * 17): on JDK 17 the scenario is skipped with a reason.
 */
final class WaitersHarness {

    /** Keys the waiters share. */
    static final int KEYS = 20;

    /** Connections in the node's pool: one per key, as issue 26 ran it. */
    static final int POOL_SIZE = 20;

    private final Duration warmup;
    private final Duration window;

    WaitersHarness(Duration warmup, Duration window) {
        this.warmup = warmup;
        this.window = window;
    }

    /** {@code Thread.ofVirtual().factory()}, or empty on a JDK without virtual threads. */
    static Optional<ThreadFactory> virtualThreads() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return Optional.of((ThreadFactory) Class.forName("java.lang.Thread$Builder")
                    .getMethod("factory")
                    .invoke(builder));
        } catch (ReflectiveOperationException e) {
            return Optional.empty();
        }
    }

    /** Each of {@code counts}, in turn, {@code rounds} times; one median result per count. */
    List<Results.Waiters> runAlternating(Target target, List<Integer> counts, int rounds) throws Exception {
        java.util.Map<Integer, List<Results.Waiters>> byCount = new java.util.LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (int n : counts) {
                Results.Waiters w = run(target, n);
                System.out.printf(
                        java.util.Locale.ROOT,
                        "[%s] waiters, %d virtual threads, round %d: %s%n",
                        target.engine(),
                        n,
                        r + 1,
                        w.error() != null
                                ? w.error()
                                : String.format(java.util.Locale.ROOT, "%.0f ops/s", w.opsPerSec()));
                byCount.computeIfAbsent(n, k -> new ArrayList<>()).add(w);
                if (w.error() != null) {
                    return List.of(w);
                }
            }
        }
        List<Results.Waiters> medians = new ArrayList<>();
        byCount.forEach((n, runs) -> {
            List<Double> perRound =
                    runs.stream().map(Results.Waiters::opsPerSec).toList();
            List<Double> sorted = perRound.stream().sorted().toList();
            double median = sorted.get(sorted.size() / 2);
            long ops = runs.stream().mapToLong(Results.Waiters::ops).sum();
            medians.add(new Results.Waiters(target.engine(), n, KEYS, POOL_SIZE, ops, median, perRound, null));
        });
        return medians;
    }

    Results.Waiters run(Target target, int threads) throws Exception {
        Optional<ThreadFactory> virtual = virtualThreads();
        if (virtual.isEmpty()) {
            return new Results.Waiters(
                    target.engine(),
                    threads,
                    KEYS,
                    POOL_SIZE,
                    0,
                    0,
                    List.of(),
                    "skipped: virtual threads need JDK 21+, this is " + Runtime.version());
        }
        try (HikariDataSource pool = target.pool(POOL_SIZE, "waiters-" + threads)) {
            return measure(target, DbLocks.create(pool), virtual.get(), threads);
        }
    }

    private Results.Waiters measure(Target target, DbLocks locks, ThreadFactory factory, int threads) throws Exception {
        AtomicLong ops = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> started = new ArrayList<>();
        List<AdvisoryLock> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            keys.add(locks.advisory("bench:waiters:" + k));
        }
        for (int i = 0; i < threads; i++) {
            Thread t = factory.newThread(() -> {
                try {
                    start.await();
                    while (!stop.get() && failure.get() == null) {
                        AdvisoryLock lock = keys.get(ThreadLocalRandom.current().nextInt(KEYS));
                        try (LockHandle h = lock.acquire()) {
                            ops.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            t.start();
            started.add(t);
        }
        start.countDown();
        HoldHarness.parkUntil(System.nanoTime() + warmup.toNanos());
        long from = ops.get();
        long t0 = System.nanoTime();
        HoldHarness.parkUntil(t0 + window.toNanos());
        long counted = ops.get() - from;
        long elapsed = System.nanoTime() - t0;
        stop.set(true);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        for (Thread t : started) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                failure.compareAndSet(null, new IllegalStateException("a waiter did not end within a minute"));
            }
        }
        Throwable t = failure.get();
        return new Results.Waiters(
                target.engine(),
                threads,
                KEYS,
                POOL_SIZE,
                counted,
                counted / (elapsed / 1e9),
                List.of(),
                t == null ? null : t.toString());
    }
}
