package io.dblock.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything one run measured, in the shape results.json has. Not thread-safe: filled by the runner's thread. */
final class Results {

    /** JMH: one uncontended acquire+release; {@code usPerOp} is null if the benchmark failed (see the JMH log). */
    record Uncontended(String engine, String useCase, String runs, Double usPerOp, Double error) {}

    /**
     * Client-side counts per acquire+release, MariaDB's server-side {@code Questions} (null elsewhere), and the
     * calling thread's CPU time per operation in microseconds.
     */
    record RoundTrips(
            String engine,
            String useCase,
            double executions,
            double transactionControl,
            Double questions,
            Double clientCpuUs) {
        RoundTrips withClientCpu(double micros) {
            return new RoundTrips(engine, useCase, executions, transactionControl, questions, micros);
        }
    }

    /** JMH: contended throughput, no hold; null if the run failed. */
    record Contended(String engine, String peer, int threads, Double opsPerSec, Double error) {}

    /** Measured harness: contention with a hold time. Times in milliseconds. */
    record Hold(
            String engine,
            String peer,
            int threads,
            double holdMs,
            long ops,
            double opsPerSec,
            List<Long> perThread,
            long minPerThread,
            long maxPerThread,
            double maxMinRatio,
            double waitP50Ms,
            double waitP90Ms,
            double waitP99Ms,
            double waitMaxMs,
            double retriesPerOp,
            double clientCpuUsPerOp,
            String error) {}

    /**
     * Measured harness: one holder holding {@code keys} locks at once. {@code locksLeft}: locks still on the server
     * after the release (-1 if not checked); {@code warnings}: what the library logged at WARNING meanwhile.
     */
    record ManyKeys(
            String engine,
            String impl,
            int keys,
            Double acquireMs,
            Double releaseMs,
            long connectionsHeld,
            long peakConnections,
            long executions,
            long locksLeft,
            String warnings,
            String error) {
        ManyKeys withWarnings(String text) {
            return new ManyKeys(
                    engine,
                    impl,
                    keys,
                    acquireMs,
                    releaseMs,
                    connectionsHeld,
                    peakConnections,
                    executions,
                    locksLeft,
                    text,
                    error);
        }
    }

    /**
     * Measured harness: {@code threads} virtual threads of one node on {@code keys} keys, no hold: {@code opsPerSec}
     * the median of the rounds' throughputs ({@code perRound}), {@code ops} the operations of all rounds; {@code
     * error} holds the reason when the run was skipped (JDK without virtual threads) or failed.
     */
    record Waiters(
            String engine,
            int threads,
            int keys,
            int pool,
            long ops,
            double opsPerSec,
            List<Double> perRound,
            String error) {}

    /**
     * Measured harness: try-or-skip on {@code keys} keys from {@code threads} platform threads with a {@code bodyMs}
     * body and {@code pauseMs} after a refusal; {@code runs} against {@code ideal} (keys × window ÷ body), the
     * attempts, the mean time a successful {@code tryAcquire()} and its {@code release()} took, in milliseconds, and
     * the CPU the benchmark process used in the window, in cores.
     */
    record Skip(
            String engine,
            int keys,
            int threads,
            double bodyMs,
            double pauseMs,
            double seconds,
            long runs,
            long ideal,
            long attempts,
            double acquireMs,
            double releaseMs,
            double processCores,
            String error) {}

    /**
     * Measured harness: one thread's uncontended lock and release on {@code path} (direct or through PgBouncer) by
     * {@code impl} (raw JDBC or dblock), in microseconds per operation (the median of {@code perRound}); {@code
     * ratioToDirect} the median of the per-round ratios to dblock on a direct connection; {@code callsPerOp} the JDBC
     * executions and transaction-control calls per operation (each a round trip at most); {@code pooler} what dblock's
     * inspector says it found; {@code error} why the run was skipped.
     */
    record Pooler(
            String engine,
            String path,
            String impl,
            String pooler,
            double usPerOp,
            double ratioToDirect,
            double callsPerOp,
            List<Double> perRound,
            String error) {}

    /**
     * Measured harness ({@link HoldersHarness}): {@code holders} threads each holding a distinct key again and again on
     * a pool of {@code pool}; holds completed per second, acquisition p50 and p99 in ms, failed acquisitions, the most
     * held at once and the most pool connections in use.
     */
    record Holders(
            String engine,
            String impl,
            int holders,
            int pool,
            double holdsPerSecond,
            double p50Millis,
            double p99Millis,
            long failed,
            int mostHeldAtOnce,
            int mostConnections) {}

    /** One target of issue 7, judged against this run's figures. */
    record Check(String target, String engine, String measured, String limit, boolean met) {}

    final Map<String, Object> run = new LinkedHashMap<>();
    final List<Uncontended> uncontended = new ArrayList<>();
    final List<RoundTrips> roundTrips = new ArrayList<>();
    final List<Contended> contended = new ArrayList<>();
    final List<Hold> hold = new ArrayList<>();
    final List<ManyKeys> manyKeys = new ArrayList<>();
    final List<Waiters> waiters = new ArrayList<>();
    final List<Skip> skip = new ArrayList<>();
    final List<Pooler> pooler = new ArrayList<>();
    final List<Holders> holders = new ArrayList<>();
    final List<Check> checks = new ArrayList<>();

    Optional<Uncontended> uncontended(String engine, UncontendedCase useCase) {
        return uncontended.stream()
                .filter(u -> u.engine.equals(engine) && u.useCase.equals(useCase.key) && u.usPerOp != null)
                .findFirst();
    }

    Optional<RoundTrips> roundTrips(String engine, UncontendedCase useCase) {
        return roundTrips.stream()
                .filter(r -> r.engine.equals(engine) && r.useCase.equals(useCase.key))
                .findFirst();
    }

    Optional<Contended> contended(String engine, Peer peer, int threads) {
        return contended.stream()
                .filter(c -> c.engine.equals(engine)
                        && c.peer.equals(peer.key)
                        && c.threads == threads
                        && c.opsPerSec != null)
                .findFirst();
    }

    /** The run with {@code holdMs} (1 or 0) of {@code peer}, if it succeeded. */
    Optional<Hold> hold(String engine, Peer peer, int threads, double holdMs) {
        return hold.stream()
                .filter(h -> h.engine.equals(engine)
                        && h.peer.equals(peer.key)
                        && h.threads == threads
                        && h.holdMs == holdMs
                        && h.error == null)
                .findFirst();
    }

    /** The waiters run of {@code threads} on {@code engine}, if it ran. */
    Optional<Waiters> waiters(String engine, int threads) {
        return waiters.stream()
                .filter(w -> w.engine.equals(engine) && w.threads == threads && w.error == null)
                .findFirst();
    }

    /** The JSON document: {@code run} (mode, machine, servers, timings), then one array per scenario. */
    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", run);
        json.put("targets", checks);
        json.put("uncontended", uncontended);
        json.put("roundTrips", roundTrips);
        json.put("contended", contended);
        json.put("hold", hold);
        json.put("manyKeys", manyKeys);
        json.put("waiters", waiters);
        json.put("skip", skip);
        json.put("pooler", pooler);
        json.put("holders", holders);
        return json;
    }
}
