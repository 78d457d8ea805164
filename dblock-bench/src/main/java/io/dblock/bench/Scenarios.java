package io.dblock.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the scenarios of one mode against one server, in this order, adding what they measure to the results:
 *
 * <ol>
 *   <li>{@code roundtrips}: statements per uncontended case (client-side counts; MariaDB also {@code Questions});
 *   <li>{@code uncontended}: JMH, every uncontended case; then the client CPU time of each case (after JMH, so that a
 *       quick run, whose JMH shares this JVM, measures warm code);
 *   <li>{@code contended}: JMH, contended throughput at each thread count;
 *   <li>{@code hold}: the measured harness with a 1 ms hold at each hold thread count, and without a hold at 8
 *       threads for raw JDBC and dblock (the hand-over itself);
 *   <li>{@code tables}: table locks with a timeout at 8 threads, 1 ms hold;
 *   <li>{@code manykeys}: one holder of 1,000 and 10,000 keys;
 *   <li>{@code waiters}: 200 and 2,000 virtual threads of one node on 20 keys (skipped on JDK 17);
 *   <li>{@code skip}: try-or-skip with a 20 ms body, 1 and 3 keys, 6 and 24 platform threads, retrying a refusal at
 *       once and after 1 ms;
 *   <li>{@code pooler}: uncontended lock and release direct and behind a real PgBouncer, PostgreSQL only ({@link
 *       PoolerHarness});
 *   <li>{@code holders}: 1,000 threads holding distinct keys on a pool of 8, raw JDBC, dblock multiplexed and not
 *       ({@link HoldersHarness}).
 * </ol>
 */
final class Scenarios {

    /** Every scenario, by the names {@code --scenarios} takes. */
    static final Set<String> ALL = Set.of(
            "roundtrips",
            "uncontended",
            "contended",
            "hold",
            "tables",
            "manykeys",
            "waiters",
            "skip",
            "pooler",
            "holders");

    private final BenchMode mode;
    private final Set<String> enabled;
    private final Results results;
    private final JmhSuite jmh;

    Scenarios(BenchMode mode, Set<String> enabled, Results results, JmhSuite jmh) {
        this.mode = mode;
        this.enabled = enabled;
        this.results = results;
        this.jmh = jmh;
    }

    void run(Target t) throws Exception {
        Schema.prepare(t);
        RoundTripCounter counter = mode.roundTripCounter();
        step("roundtrips", "round trips", t, () -> {
            for (UncontendedCase c : mode.casesOn(t.engine())) {
                results.roundTrips.add(counter.count(t, c));
            }
        });
        step("uncontended", "JMH uncontended", t, () -> results.uncontended.addAll(jmh.uncontended(t)));
        step("roundtrips", "client CPU per operation", t, () -> clientCpu(t, counter));
        for (int threads : mode.contendedThreads()) {
            step(
                    "contended",
                    "JMH contended, " + threads + " threads",
                    t,
                    () -> results.contended.addAll(jmh.contended(t, threads)));
        }
        hold(t);
        manyKeys(t);
        waiters(t);
        skip(t);
        step("pooler", "uncontended behind PgBouncer", t, () -> results.pooler.addAll(new PoolerHarness(mode).run(t)));
        step(
                "holders",
                "1,000 holders on a pool of 8",
                t,
                () -> results.holders.addAll(new HoldersHarness(mode).run(t)));
    }

    private void waiters(Target t) throws Exception {
        WaitersHarness harness = new WaitersHarness(mode.waitersWarmup(), mode.waitersWindow());
        step(
                "waiters",
                mode.waiterCounts() + " virtual-thread waiters, " + WaitersHarness.KEYS + " keys, "
                        + mode.waiterRounds() + " rounds",
                t,
                () -> results.waiters.addAll(harness.runAlternating(t, mode.waiterCounts(), mode.waiterRounds())));
    }

    private void skip(Target t) throws Exception {
        SkipHarness harness = new SkipHarness(mode.skipWindow());
        for (Duration pause : BenchMode.SKIP_PAUSES) {
            for (int keys : BenchMode.SKIP_KEYS) {
                for (int threads : BenchMode.SKIP_THREADS) {
                    step(
                            "skip",
                            "try or skip, " + keys + " keys, " + threads + " threads, pause " + pause.toMillis()
                                    + " ms",
                            t,
                            () -> results.skip.add(harness.run(t, keys, threads, BenchMode.SKIP_BODY, pause)));
                }
            }
        }
    }

    private void clientCpu(Target t, RoundTripCounter counter) throws Exception {
        for (int i = 0; i < results.roundTrips.size(); i++) {
            Results.RoundTrips r = results.roundTrips.get(i);
            if (r.engine().equals(t.engine())) {
                results.roundTrips.set(i, r.withClientCpu(counter.cpuMicros(t, UncontendedCase.of(r.useCase()))));
            }
        }
    }

    private void hold(Target t) throws Exception {
        HoldHarness hold = new HoldHarness(mode);
        int eight = BenchMode.TARGET_THREADS;
        for (int threads : mode.holdThreads()) {
            for (Peer p : mode.peers()) {
                step(
                        "hold",
                        "1 ms hold, " + threads + " threads, " + p.key,
                        t,
                        () -> results.hold.add(hold.run(t, p, threads, BenchMode.HOLD)));
            }
        }
        for (Peer p : mode.handOverPeers()) {
            step(
                    "hold",
                    "no hold, " + eight + " threads, " + p.key,
                    t,
                    () -> results.hold.add(hold.run(t, p, eight, Duration.ZERO)));
        }
        for (Peer p : mode.tablePeers()) {
            step(
                    "tables",
                    "table locks, " + eight + " threads, " + p.key,
                    t,
                    () -> results.hold.add(hold.run(t, p, eight, BenchMode.HOLD)));
        }
    }

    private void manyKeys(Target t) throws Exception {
        ManyKeysHarness many = new ManyKeysHarness();
        for (int n : mode.manyKeys()) {
            for (String impl : ManyKeysHarness.IMPLS) {
                // one round trip or more per key: the quick mode runs these with the smaller count only
                boolean perKey = !impl.startsWith("dblock");
                if (!perKey || n <= mode.peerKeysLimit()) {
                    step(
                            "manykeys",
                            "many keys, " + n + ", " + impl,
                            t,
                            () -> results.manyKeys.add(many.run(t, impl, n)));
                }
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private void step(String scenario, String what, Target target, Step step) throws Exception {
        if (!enabled.contains(scenario)) {
            return;
        }
        long t0 = System.nanoTime();
        System.out.printf(Locale.ROOT, "[%s] %s ...%n", target.engine(), what);
        step.run();
        System.out.printf(Locale.ROOT, "[%s] %s: %.1f s%n", target.engine(), what, (System.nanoTime() - t0) / 1e9);
    }
}
