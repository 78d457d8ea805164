package io.dblock.bench;

import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs every benchmark of one mode and writes results.json, results.md and contended-throughput.png.
 *
 * <pre>
 * java -cp ... io.dblock.bench.BenchMain quick|full [--out DIR] [--engines postgres,mariadb]
 *     [--scenarios roundtrips,uncontended,contended,hold,tables,manykeys,waiters,skip] [--profile] [--time-scale 0.1]
 * </pre>
 *
 * <ol>
 *   <li>Start the embedded servers (PostgreSQL from {@link TestDatabase#postgres()}, so {@code
 *       DBLOCK_TEST_POSTGRES_URL} picks an external one; MariaDB 11.4) and create the peers' tables.
 *   <li>Run the {@link Scenarios} on each server: round trips, JMH uncontended and contended, then the measured
 *       harness (hold times, table locks, many keys).
 *   <li>Judge the targets ({@link Checks}) and write the files.
 * </ol>
 *
 * {@code --profile} adds JMH's stack profiler to the JMH runs (its output is in the JMH logs, target/jmh-logs/).
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        if (args.length == 0) {
            System.err.println("usage: BenchMain quick|full [--out DIR] [--engines postgres,mariadb]"
                    + " [--scenarios roundtrips,uncontended,contended,hold,tables,manykeys,waiters,skip] [--profile]"
                    + " [--time-scale FACTOR]");
            System.exit(2);
        }
        BenchMode mode = BenchMode.named(args[0]);
        Path out = Path.of("docs", "benchmarks");
        List<String> engines = Target.ENGINES;
        boolean profile = false;
        Set<String> scenarios = Scenarios.ALL;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--engines" -> engines = List.of(args[++i].split(","));
                case "--scenarios" -> scenarios = Set.of(args[++i].split(","));
                case "--profile" -> profile = true;
                case "--time-scale" -> mode = mode.scaled(Double.parseDouble(args[++i]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        run(mode, out, engines, scenarios, profile);
        // the embedded servers stop in shutdown hooks; pools' housekeeping threads must not keep the JVM alive
        System.exit(0);
    }

    /**
     * Runs the {@code enabled} scenarios of {@code mode} on {@code engines} and writes the three files to {@code
     * out}; returns what it measured.
     */
    static Results run(BenchMode mode, Path out, List<String> engines, Set<String> enabled, boolean profile)
            throws Exception {
        long start = System.nanoTime();
        Results results = new Results();
        List<Target> targets = start(engines);
        describe(results, mode, targets);
        JmhSuite jmh = new JmhSuite(mode, targets, Path.of("target", "jmh-logs"), profile);
        Scenarios scenarios = new Scenarios(mode, enabled, results, jmh);
        for (Target t : targets) {
            scenarios.run(t);
        }
        Checks.judge(results, targets, mode);
        results.run.put(
                "finished", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        results.run.put("seconds", (System.nanoTime() - start) / 1_000_000_000L);
        write(results, targets, mode, out);
        return results;
    }

    private static List<Target> start(List<String> engines) {
        List<Target> targets = new ArrayList<>();
        for (String e : engines) {
            Engine engine = e.equals("postgres") ? Engine.POSTGRES : Engine.MARIADB_11_4;
            if (engine.unavailableReason().isPresent()) {
                System.out.println(
                        "skipping " + e + ": " + engine.unavailableReason().get());
                continue;
            }
            TestDatabase db = engine.database();
            targets.add(new Target(e, db.jdbcUrl(), db.user(), db.password(), db.serverVersion()));
        }
        return targets;
    }

    private static void describe(Results results, BenchMode mode, List<Target> targets) {
        results.run.put("mode", mode.name());
        results.run.put("cores", Runtime.getRuntime().availableProcessors());
        results.run.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.arch") + " "
                        + System.getProperty("os.version"));
        results.run.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        results.run.put("servers", targets.stream().map(Target::displayName).toList());
        results.run.put(
                "jmh",
                Checks.format(
                        "%d fork(s), %d × %d ms warm-up, %d × %d ms measurement",
                        mode.forks(),
                        mode.warmupIterations(),
                        mode.warmup().toMillis(),
                        mode.iterations(),
                        mode.iteration().toMillis()));
        results.run.put(
                "harness",
                Checks.format(
                        "%d ms warm-up, %d ms recorded; hold %d ms",
                        mode.harnessWarmup().toMillis(), mode.harnessMeasure().toMillis(), BenchMode.HOLD.toMillis()));
        results.run.put("pool", "HikariCP, " + Peer.POOL_SIZE + " connections per node; raw JDBC: one connection");
    }

    private static void write(Results results, List<Target> targets, BenchMode mode, Path out) throws Exception {
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.json"), Json.write(results.json()), StandardCharsets.UTF_8);
        String md = new MarkdownReport(results, targets, mode).render();
        Files.writeString(out.resolve("results.md"), md, StandardCharsets.UTF_8);
        ThroughputChart.write(results, targets, mode, out.resolve("contended-throughput.png"));
        System.out.println();
        System.out.println(md);
        System.out.println(
                "wrote " + out.toAbsolutePath().normalize() + "/results.{json,md}, contended-throughput.png");
    }
}
