package io.dblock.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The measured harness for what JMH does not report: per-thread acquisition counts (fairness) and wait-time
 * percentiles under contention with a hold time.
 *
 * <ol>
 *   <li>Open one client per thread (each an application node), then start all threads together.
 *   <li>Each thread loops: note the time, acquire, note the time (the difference is its wait), hold for the hold time
 *       (parked, as a thread doing I/O would be), release.
 *   <li>Acquisitions granted in the recording window, after the warm-up, are counted per thread and their waits kept.
 *   <li>At the end of the window the threads stop after their current acquisition; the clients are closed.
 * </ol>
 *
 * Each thread also measures its own CPU time per acquire+release from its first recorded acquisition on: with a
 * no-hold run, what lengthens the hand-over from one node to the next on the client side.
 */
final class HoldHarness {

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private final BenchMode mode;

    HoldHarness(BenchMode mode) {
        this.mode = mode;
    }

    Results.Hold run(Target target, Peer peer, int threads, Duration hold) throws Exception {
        List<LockClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                clients.add(peer.open(target, "bench:hold:" + peer.key, "hold-" + peer.key + "-" + i));
            }
            return measure(target, peer, clients, hold);
        } finally {
            for (LockClient c : clients) {
                c.close();
            }
        }
    }

    private Results.Hold measure(Target target, Peer peer, List<LockClient> clients, Duration hold) throws Exception {
        int threads = clients.size();
        long warmup = mode.harnessWarmup().toNanos();
        long window = mode.harnessMeasure().toNanos();
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        Worker[] workers = new Worker[threads];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(clients.get(i), hold.toNanos(), start, failure);
            workers[i].setName("hold-" + peer.key + "-" + i);
            workers[i].start();
        }
        long begin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        for (Worker w : workers) {
            w.from = begin + warmup;
            w.until = begin + warmup + window;
        }
        start.await();
        Worker.holdFor(begin + warmup + window);
        for (Worker w : workers) {
            w.stop = true;
        }
        for (Worker w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
        }
        Throwable t = failure.get();
        if (t != null) {
            return failed(target, peer, threads, hold, t);
        }
        return summarise(target, peer, workers, hold, window);
    }

    private static Results.Hold summarise(Target target, Peer peer, Worker[] workers, Duration hold, long window) {
        List<Long> perThread = new ArrayList<>();
        long total = 0;
        long retries = 0;
        long all = 0;
        long cpu = 0;
        long cpuOps = 0;
        for (Worker w : workers) {
            perThread.add((long) w.count);
            total += w.count;
            retries += w.client.retries();
            all += w.all;
            cpu += w.cpu;
            cpuOps += w.cpuOps;
        }
        long[] waits = new long[(int) total];
        int n = 0;
        for (Worker w : workers) {
            System.arraycopy(w.waits, 0, waits, n, w.count);
            n += w.count;
        }
        Arrays.sort(waits);
        long min = perThread.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = perThread.stream().mapToLong(Long::longValue).max().orElse(0);
        return new Results.Hold(
                target.engine(),
                peer.key,
                workers.length,
                hold.toNanos() / 1e6,
                total,
                total / (window / 1e9),
                perThread,
                min,
                max,
                min == 0 ? Double.POSITIVE_INFINITY : (double) max / min,
                percentile(waits, 0.50),
                percentile(waits, 0.90),
                percentile(waits, 0.99),
                waits.length == 0 ? 0 : waits[waits.length - 1] / 1e6,
                all == 0 ? 0 : (double) retries / all,
                cpuOps == 0 ? 0 : cpu / 1000.0 / cpuOps,
                null);
    }

    /** Parks the calling thread until {@code deadline} ({@link System#nanoTime()}), however often the park returns. */
    static void parkUntil(long deadline) {
        Worker.holdFor(deadline);
    }

    /** Nearest-rank percentile, in milliseconds. */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] / 1e6;
    }

    private static Results.Hold failed(Target target, Peer peer, int threads, Duration hold, Throwable t) {
        return new Results.Hold(
                target.engine(),
                peer.key,
                threads,
                hold.toNanos() / 1e6,
                0,
                0,
                List.of(),
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                t.toString());
    }

    /** One node's loop. */
    private static final class Worker extends Thread {
        final LockClient client;
        private final long holdNanos;
        private final CyclicBarrier start;
        private final AtomicReference<Throwable> failure;
        volatile boolean stop;
        long from;
        long until;
        long[] waits = new long[1024];
        int count;
        long all;
        /** CPU time this thread used from its first recorded acquisition on, and the acquisitions in that time. */
        long cpu;

        long cpuOps;

        Worker(LockClient client, long holdNanos, CyclicBarrier start, AtomicReference<Throwable> failure) {
            this.client = client;
            this.holdNanos = holdNanos;
            this.start = start;
            this.failure = failure;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                start.await();
                long cpuFrom = -1;
                long opsFrom = 0;
                while (!stop && failure.get() == null) {
                    long asked = System.nanoTime();
                    client.acquire();
                    long granted = System.nanoTime();
                    holdFor(granted + holdNanos);
                    client.release();
                    all++;
                    if (granted >= from && granted < until) {
                        record(granted - asked);
                        if (cpuFrom < 0) {
                            cpuFrom = THREADS.getCurrentThreadCpuTime();
                            opsFrom = all;
                        }
                    }
                }
                if (cpuFrom >= 0) {
                    cpu = THREADS.getCurrentThreadCpuTime() - cpuFrom;
                    cpuOps = all - opsFrom;
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        private void record(long wait) {
            if (count == waits.length) {
                waits = Arrays.copyOf(waits, count * 2);
            }
            waits[count++] = wait;
        }

        /** Parks until {@code deadline} (System.nanoTime), however often the park returns early. */
        static void holdFor(long deadline) {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
        }
    }
}
