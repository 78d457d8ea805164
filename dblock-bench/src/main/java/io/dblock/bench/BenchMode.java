package io.dblock.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long and how wide a run is.
 *
 * @param name {@code quick}, {@code full} or {@code smoke}
 * @param forks JMH forks per benchmark; 0 runs them in this JVM (quick and smoke: a fork costs one to four seconds of
 *     JVM start and set-up per benchmark, more than the quick mode measures)
 * @param warmupIterations JMH warm-up iterations
 * @param warmup length of each JMH warm-up iteration
 * @param iterations JMH measurement iterations
 * @param iteration length of each JMH measurement iteration
 * @param contendedThreads thread counts of the JMH contended runs
 * @param holdThreads thread counts of the 1 ms hold (fairness) runs
 * @param harnessWarmup time the measured harness runs before it starts recording
 * @param harnessMeasure time the measured harness records
 * @param manyKeys key counts of the many-keys scenario
 * @param peerKeysLimit the largest key count raw JDBC and the peers (one round trip or more per key) are run with;
 *     dblock runs every count
 * @param uncontendedCases the uncontended cases to run, empty for all
 * @param peers the contended peers, empty for all
 */
record BenchMode(
        String name,
        int forks,
        int warmupIterations,
        Duration warmup,
        int iterations,
        Duration iteration,
        List<Integer> contendedThreads,
        List<Integer> holdThreads,
        Duration harnessWarmup,
        Duration harnessMeasure,
        List<Integer> manyKeys,
        int peerKeysLimit,
        List<UncontendedCase> uncontendedCases,
        List<Peer> peers) {

    /**
     * This mode with every duration multiplied by {@code factor} (JMH iterations at least 100 ms, harness windows at
     * least 200 ms): {@code --time-scale 0.1} checks that the full mode runs end to end in a fraction of its time.
     */
    BenchMode scaled(double factor) {
        return new BenchMode(
                name,
                forks,
                warmupIterations,
                scale(warmup, factor, 100),
                iterations,
                scale(iteration, factor, 100),
                contendedThreads,
                holdThreads,
                scale(harnessWarmup, factor, 100),
                scale(harnessMeasure, factor, 200),
                manyKeys,
                peerKeysLimit,
                uncontendedCases,
                peers);
    }

    private static Duration scale(Duration d, double factor, long minMillis) {
        return Duration.ofMillis(Math.max(minMillis, Math.round(d.toMillis() * factor)));
    }

    /** The contended peers of the throughput and fairness runs (table locks have a run of their own). */
    static final List<Peer> ADVISORY_PEERS = List.of(Peer.RAW, Peer.DBLOCK, Peer.JDBC_LOCK_REGISTRY, Peer.SHEDLOCK);

    /** The thread count at which the fairness targets are judged, and the table locks contend. */
    static final int TARGET_THREADS = 8;

    static final Duration HOLD = Duration.ofMillis(1);

    /** The try-or-skip scenario's body, key counts and platform-thread counts (issue 26's case). */
    static final Duration SKIP_BODY = Duration.ofMillis(20);

    static final List<Integer> SKIP_KEYS = List.of(1, 3);
    static final List<Integer> SKIP_THREADS = List.of(6, 24);

    /** After a refusal: try again at once (a busy loop, as issue 26 ran it), or after 1 ms (a scheduler's tick). */
    static final List<Duration> SKIP_PAUSES = List.of(Duration.ZERO, Duration.ofMillis(1));

    /** Virtual-thread waiter counts: issue 26's 200 and 2,000 (smoke: 20 and 200). */
    List<Integer> waiterCounts() {
        return name.equals("smoke") ? List.of(20, 200) : List.of(200, 2_000);
    }

    /** Rounds of the waiters' counts taken in turn: 3 (smoke: 1). */
    int waiterRounds() {
        return name.equals("smoke") ? 1 : 3;
    }

    /** The waiters' warm-up, for the JIT and the pool: 1 s (smoke: the harness warm-up). */
    Duration waitersWarmup() {
        return name.equals("smoke") ? harnessWarmup : Duration.ofSeconds(1);
    }

    /** The waiters' recording window: 4 s (smoke: the harness window). */
    Duration waitersWindow() {
        return name.equals("smoke") ? harnessMeasure : Duration.ofSeconds(4);
    }

    /** Each try-or-skip case's window: 4 s, as issue 26 ran it (smoke: the harness window). */
    Duration skipWindow() {
        return name.equals("smoke") ? harnessMeasure : Duration.ofSeconds(4);
    }

    static BenchMode named(String name) {
        return switch (name) {
            case "quick" ->
                new BenchMode(
                        "quick",
                        0,
                        1,
                        Duration.ofMillis(400),
                        2,
                        Duration.ofMillis(400),
                        List.of(2, 8, 32),
                        List.of(TARGET_THREADS),
                        Duration.ofMillis(200),
                        Duration.ofMillis(1000),
                        List.of(1_000, 10_000),
                        1_000,
                        List.of(),
                        ADVISORY_PEERS);
            case "full" ->
                new BenchMode(
                        "full",
                        1,
                        2,
                        Duration.ofSeconds(2),
                        3,
                        Duration.ofSeconds(2),
                        List.of(2, 4, 8, 16, 32),
                        List.of(2, 4, 8, 16, 32),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        List.of(1_000, 10_000),
                        10_000,
                        List.of(),
                        ADVISORY_PEERS);
            case "smoke" ->
                new BenchMode(
                        "smoke",
                        0,
                        0,
                        Duration.ofMillis(100),
                        1,
                        Duration.ofMillis(200),
                        List.of(2),
                        List.of(2),
                        Duration.ofMillis(50),
                        Duration.ofMillis(200),
                        List.of(10),
                        10,
                        List.of(UncontendedCase.RAW_LOCK_UNLOCK, UncontendedCase.DBLOCK_ACQUIRE),
                        List.of(Peer.RAW, Peer.DBLOCK));
            default -> throw new IllegalArgumentException("unknown mode '" + name + "': quick, full or smoke");
        };
    }

    /**
     * Counts 20 (full: 100) operations; measures CPU over 500 (full: 5,000) after a warm-up of 500 (full: 10,000, since
     * the full mode's JMH runs in forks and leaves this JVM cold).
     */
    RoundTripCounter roundTripCounter() {
        return switch (name) {
            case "full" -> new RoundTripCounter(100, 10_000, 5_000);
            case "smoke" -> new RoundTripCounter(20, 20, 20);
            default -> new RoundTripCounter(20, 500, 500);
        };
    }

    List<UncontendedCase> casesOn(String engine) {
        return UncontendedCase.on(engine).stream()
                .filter(c -> uncontendedCases.isEmpty() || uncontendedCases.contains(c))
                .toList();
    }

    /** The peers whose no-hold hand-over the harness measures too (wait percentiles, client CPU per operation). */
    List<Peer> handOverPeers() {
        return name.equals("smoke") ? List.of() : List.of(Peer.RAW, Peer.DBLOCK, Peer.DBLOCK_NO_SITES);
    }

    List<Peer> tablePeers() {
        return name.equals("smoke") ? List.of() : List.of(Peer.RAW_TABLE, Peer.DBLOCK_TABLE);
    }
}
