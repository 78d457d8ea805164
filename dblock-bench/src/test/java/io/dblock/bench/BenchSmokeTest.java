package io.dblock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole harness in its smoke mode (PostgreSQL only, two cases and two peers, JMH in this JVM, fractions of
 * a second each), so that `./mvnw verify` proves the benchmark command works without running the benchmarks.
 */
class BenchSmokeTest {

    @Test
    void smokeRunMeasuresEveryScenarioAndWritesTheReport(@TempDir Path out) throws Exception {
        Results results = BenchMain.run(BenchMode.named("smoke"), out, List.of("postgres"), Scenarios.ALL, false);

        assertThat(results.uncontended).allSatisfy(u -> assertThat(u.usPerOp()).isPositive());
        assertThat(results.contended).allSatisfy(c -> assertThat(c.opsPerSec()).isPositive());
        assertThat(results.hold).allSatisfy(h -> {
            assertThat(h.error()).isNull();
            assertThat(h.ops()).isPositive();
        });
        assertThat(results.manyKeys).allSatisfy(m -> assertThat(m.error()).isNull());
        assertThat(results.waiters).isNotEmpty().allSatisfy(w -> {
            if (WaitersHarness.virtualThreads().isEmpty()) {
                assertThat(w.error()).startsWith("skipped: virtual threads need JDK 21+");
            } else {
                assertThat(w.error()).isNull();
                assertThat(w.ops()).isPositive();
            }
        });
        assertThat(results.skip).hasSize(8).allSatisfy(k -> {
            assertThat(k.error()).isNull();
            assertThat(k.attempts()).isPositive();
            // a 0.2 s smoke window of a busy loop can starve every holder (that is what the scenario shows): no lower
            // bound on runs there, but never more than the keys allow
            assertThat(k.runs()).isBetween(0L, k.ideal() + k.keys());
        });
        assertThat(results.roundTrips("postgres", UncontendedCase.DBLOCK_ACQUIRE))
                .hasValueSatisfying(r -> assertThat(r.executions()).isEqualTo(2.0));
        assertThat(out.resolve("results.json")).content().contains("\"uncontended\"");
        assertThat(out.resolve("results.md")).content().contains("## Targets");
        assertThat(Files.size(out.resolve("contended-throughput.png"))).isPositive();
    }
}
