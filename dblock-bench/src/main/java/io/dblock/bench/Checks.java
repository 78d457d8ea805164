package io.dblock.bench;

import java.util.List;
import java.util.Locale;

/**
 * Issue 7's targets, judged against one run:
 *
 * <ol>
 *   <li>uncontended: every dblock case within 1.10× of its raw-JDBC floor;
 *   <li>contended, no hold: dblock's throughput at least 0.9× raw JDBC's, at every thread count;
 *   <li>1 ms hold at 8 threads: dblock's per-thread counts within 1.5× of each other, and its wait p99 within 1.5× of
 *       raw JDBC's;
 *   <li>re-entrant acquire+release: no statement at all (client count; MariaDB also by {@code Questions});
 *   <li>waiters (issue 26): the most virtual-thread waiters' throughput at least 0.9× the fewest's.
 * </ol>
 */
final class Checks {

    static final double UNCONTENDED_LIMIT = 1.10;
    static final double CONTENDED_FLOOR = 0.9;
    static final double FAIRNESS_LIMIT = 1.5;
    static final double P99_LIMIT = 1.5;
    static final double WAITERS_FLOOR = 0.9;

    private Checks() {}

    static void judge(Results results, List<Target> targets, BenchMode mode) {
        for (Target t : targets) {
            String e = t.engine();
            uncontended(results, e);
            for (int threads : mode.contendedThreads()) {
                contended(results, e, threads);
            }
            hold(results, e);
            reentrant(results, e);
            waiters(results, e, mode);
        }
    }

    private static void waiters(Results results, String engine, BenchMode mode) {
        List<Integer> counts = mode.waiterCounts();
        int few = counts.get(0);
        int many = counts.get(counts.size() - 1);
        results.waiters(engine, many)
                .ifPresent(m -> results.waiters(engine, few).ifPresent(f -> {
                    double ratio = m.opsPerSec() / f.opsPerSec();
                    results.checks.add(new Results.Check(
                            "waiters: " + many + " ÷ " + few + " virtual threads' throughput, " + WaitersHarness.KEYS
                                    + " keys",
                            engine,
                            format("%.2f× (%.0f vs %.0f ops/s)", ratio, m.opsPerSec(), f.opsPerSec()),
                            "≥ " + WAITERS_FLOOR + "×",
                            ratio >= WAITERS_FLOOR));
                }));
    }

    private static void uncontended(Results results, String engine) {
        for (UncontendedCase c : UncontendedCase.on(engine)) {
            if (c.floor == null || !c.isDblock()) {
                continue;
            }
            results.uncontended(engine, c)
                    .ifPresent(u -> results.uncontended(engine, c.floor).ifPresent(floor -> {
                        double ratio = u.usPerOp() / floor.usPerOp();
                        results.checks.add(new Results.Check(
                                "uncontended " + c.key + " ÷ " + c.floor.key,
                                engine,
                                format("%.2f× (%.1f µs vs %.1f µs)", ratio, u.usPerOp(), floor.usPerOp()),
                                "≤ " + UNCONTENDED_LIMIT + "×",
                                ratio <= UNCONTENDED_LIMIT));
                    }));
        }
    }

    private static void contended(Results results, String engine, int threads) {
        results.contended(engine, Peer.DBLOCK, threads)
                .ifPresent(d -> results.contended(engine, Peer.RAW, threads).ifPresent(raw -> {
                    double ratio = d.opsPerSec() / raw.opsPerSec();
                    results.checks.add(new Results.Check(
                            "contended, no hold, " + threads + " threads: dblock ÷ raw throughput",
                            engine,
                            format("%.2f× (%.0f vs %.0f ops/s)", ratio, d.opsPerSec(), raw.opsPerSec()),
                            "≥ " + CONTENDED_FLOOR + "×",
                            ratio >= CONTENDED_FLOOR));
                }));
    }

    private static void hold(Results results, String engine) {
        int threads = BenchMode.TARGET_THREADS;
        results.hold(engine, Peer.DBLOCK, threads, 1.0).ifPresent(d -> {
            results.checks.add(new Results.Check(
                    "1 ms hold, " + threads + " threads: dblock per-thread counts max ÷ min",
                    engine,
                    format("%.2f× (%d–%d)", d.maxMinRatio(), d.minPerThread(), d.maxPerThread()),
                    "≤ " + FAIRNESS_LIMIT + "×",
                    d.maxMinRatio() <= FAIRNESS_LIMIT));
            results.hold(engine, Peer.RAW, threads, 1.0).ifPresent(raw -> {
                double ratio = d.waitP99Ms() / raw.waitP99Ms();
                results.checks.add(new Results.Check(
                        "1 ms hold, " + threads + " threads: dblock wait p99 ÷ raw wait p99",
                        engine,
                        format("%.2f× (%.2f ms vs %.2f ms)", ratio, d.waitP99Ms(), raw.waitP99Ms()),
                        "≤ " + P99_LIMIT + "×",
                        ratio <= P99_LIMIT));
            });
        });
    }

    private static void reentrant(Results results, String engine) {
        results.roundTrips(engine, UncontendedCase.DBLOCK_REENTRANT).ifPresent(r -> {
            double calls = r.executions() + r.transactionControl();
            boolean server = r.questions() == null || r.questions() == 0;
            results.checks.add(new Results.Check(
                    "re-entrant acquire+release sends no statement",
                    engine,
                    format("%.2f client calls/op", calls)
                            + (r.questions() == null ? "" : format(", %.2f server Questions/op", r.questions())),
                    "0",
                    calls == 0 && server));
        });
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
