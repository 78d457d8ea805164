package io.dblock.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.profile.StackProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks ({@link Uncontended}, {@link Contended}) against the servers this JVM started, passing them
 * to the forks as system properties. JMH's own output goes to a log file per run; a benchmark that fails is left out
 * of JMH's results and reported here as failed, with the log to read.
 */
final class JmhSuite {

    private final BenchMode mode;
    private final List<Target> targets;
    private final Path logs;
    private final boolean profile;

    JmhSuite(BenchMode mode, List<Target> targets, Path logs, boolean profile) throws java.io.IOException {
        this.mode = mode;
        this.targets = targets;
        this.logs = Files.createDirectories(logs);
        this.profile = profile;
        targets.forEach(Target::publish);
    }

    List<Results.Uncontended> uncontended(Target target) throws RunnerException {
        List<UncontendedCase> cases = mode.casesOn(target.engine());
        ChainedOptionsBuilder options = options("uncontended-" + target.engine())
                .include(Uncontended.class.getName() + ".acquireRelease")
                .param("engine", target.engine())
                .param("useCase", cases.stream().map(c -> c.key).toArray(String[]::new))
                .threads(1);
        if (profile) {
            options.addProfiler(StackProfiler.class, "lines=6;top=12;detailLine=true");
        }
        Collection<RunResult> runs = new Runner(options.build()).run();
        List<Results.Uncontended> results = new ArrayList<>();
        for (UncontendedCase c : cases) {
            Optional<Result<?>> score = score(runs, "useCase", c.key);
            results.add(new Results.Uncontended(
                    target.engine(),
                    c.key,
                    c.description(target.engine()),
                    score.map(Result::getScore).orElse(null),
                    score.map(Result::getScoreError).orElse(null)));
        }
        return results;
    }

    List<Results.Contended> contended(Target target, int threads) throws RunnerException {
        List<Peer> peers = mode.peers();
        ChainedOptionsBuilder options = options("contended-" + target.engine() + "-" + threads)
                .include(Contended.class.getName() + ".acquireRelease")
                .param("engine", target.engine())
                .param("peer", peers.stream().map(p -> p.key).toArray(String[]::new))
                .threads(threads);
        if (profile) {
            options.addProfiler(StackProfiler.class, "lines=6;top=12;detailLine=true");
        }
        Collection<RunResult> runs = new Runner(options.build()).run();
        List<Results.Contended> results = new ArrayList<>();
        for (Peer p : peers) {
            Optional<Result<?>> score = score(runs, "peer", p.key);
            results.add(new Results.Contended(
                    target.engine(),
                    p.key,
                    threads,
                    score.map(Result::getScore).orElse(null),
                    score.map(Result::getScoreError).orElse(null)));
        }
        return results;
    }

    Path log(String name) {
        return logs.resolve(name + ".log");
    }

    private ChainedOptionsBuilder options(String name) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(mode.forks())
                .warmupIterations(mode.warmupIterations())
                .warmupTime(TimeValue.milliseconds(mode.warmup().toMillis()))
                .measurementIterations(mode.iterations())
                .measurementTime(TimeValue.milliseconds(mode.iteration().toMillis()))
                .shouldFailOnError(false)
                .output(log(name).toString());
        if (mode.forks() > 0) {
            List<String> jvmArgs = new ArrayList<>(List.of(
                    "-Xms256m",
                    "-Xmx512m",
                    "-Djava.awt.headless=true",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
            targets.forEach(t -> jvmArgs.addAll(t.jvmArgs()));
            options.jvmArgs(jvmArgs.toArray(String[]::new));
        }
        return options;
    }

    private static Optional<Result<?>> score(Collection<RunResult> runs, String param, String value) {
        return runs.stream()
                .filter(r -> value.equals(r.getParams().getParam(param)))
                .findFirst()
                .map(RunResult::getPrimaryResult);
    }
}
