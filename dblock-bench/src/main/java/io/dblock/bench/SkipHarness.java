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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * SKIP under load, as a scheduler runs it: platform threads of one node try a lock without waiting, run a fixed body
 * if they got it, and otherwise skip to the next key at once (issue 26, item 6).
 *
 * <ol>
 *   <li>One {@link DbLocks} over a HikariCP pool of {@link #POOL_SIZE}; {@code threads} platform threads; thread
 *       {@code i} starts at key {@code i % keys} and moves on to the next key after each attempt.
 *   <li>An attempt is {@code tryAcquire()}; if granted, the body parks for {@code body} (a task doing I/O), then the
 *       handle is released; if refused, the thread parks for {@code pause} before its next attempt (zero: at once,
 *       a busy loop).
 *   <li>Runs that start in the window are counted against the ideal, {@code keys × window ÷ body}: every key busy all
 *       the time. The attempts, the time successful {@code tryAcquire()} and {@code release()} calls take, and the
 *       CPU the whole process used in the window (in cores) say where a gap comes from.
 * </ol>
 */
final class SkipHarness {

    /** Connections in the node's pool, as for the waiters. */
    static final int POOL_SIZE = 20;

    private final Duration window;

    SkipHarness(Duration window) {
        this.window = window;
    }

    Results.Skip run(Target target, int keys, int threads, Duration body, Duration pause) throws Exception {
        try (HikariDataSource pool = target.pool(POOL_SIZE, "skip-" + keys + "-" + threads)) {
            DbLocks locks = DbLocks.create(pool);
            List<AdvisoryLock> locksByKey = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                locksByKey.add(locks.advisory("bench:skip:" + k));
            }
            return measure(target, locksByKey, threads, body, pause);
        }
    }

    private Results.Skip measure(Target target, List<AdvisoryLock> keys, int threads, Duration body, Duration pause)
            throws Exception {
        LongAdder runs = new LongAdder();
        LongAdder attempts = new LongAdder();
        LongAdder acquireNanos = new LongAdder();
        LongAdder releaseNanos = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        long[] window = new long[2];
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int first = i % keys.size();
            Thread t = new Thread(
                    () -> {
                        try {
                            start.await();
                            for (int n = first; !stop.get() && failure.get() == null; n++) {
                                AdvisoryLock lock = keys.get(n % keys.size());
                                long asked = System.nanoTime();
                                Optional<LockHandle> h = lock.tryAcquire();
                                long granted = System.nanoTime();
                                if (granted >= window[0] && granted < window[1]) {
                                    attempts.increment();
                                }
                                if (h.isEmpty()) {
                                    if (!pause.isZero()) {
                                        HoldHarness.parkUntil(System.nanoTime() + pause.toNanos());
                                    }
                                    continue;
                                }
                                HoldHarness.parkUntil(granted + body.toNanos());
                                long done = System.nanoTime();
                                h.get().release();
                                if (granted >= window[0] && granted < window[1]) {
                                    runs.increment();
                                    acquireNanos.add(granted - asked);
                                    releaseNanos.add(System.nanoTime() - done);
                                }
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    },
                    "skip-" + i);
            t.setDaemon(true);
            t.start();
            started.add(t);
        }
        window[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        window[1] = window[0] + this.window.toNanos();
        start.countDown();
        HoldHarness.parkUntil(window[0]);
        long cpuFrom = processCpuNanos();
        HoldHarness.parkUntil(window[1]);
        double cores = (processCpuNanos() - cpuFrom) / (double) this.window.toNanos();
        stop.set(true);
        for (Thread t : started) {
            t.join(TimeUnit.MINUTES.toMillis(1));
        }
        Throwable t = failure.get();
        long n = runs.sum();
        long ideal = keys.size() * this.window.toNanos() / body.toNanos();
        return new Results.Skip(
                target.engine(),
                keys.size(),
                threads,
                body.toMillis(),
                pause.toNanos() / 1e6,
                this.window.toMillis() / 1e3,
                n,
                ideal,
                attempts.sum(),
                n == 0 ? 0 : acquireNanos.sum() / 1e6 / n,
                n == 0 ? 0 : releaseNanos.sum() / 1e6 / n,
                cores,
                t == null ? null : t.toString());
    }

    /** This process's CPU time so far, or -1 where the JVM does not tell. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }
}
