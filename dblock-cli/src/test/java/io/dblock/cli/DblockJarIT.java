package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded {@code target/dblock.jar} as users do, in a JVM of its own: proves the jar is complete (main class,
 * picocli, drivers, PostgreSQL binaries) and that the demo's process really exits.
 *
 * <p>An integration test (failsafe, after {@code package}), because the jar does not exist before then. The inspection
 * commands are run through the jar against real servers by {@link InspectionCommandsContract}.
 */
class DblockJarIT {

    @TempDir
    Path workDir;

    @Test
    void demoRunsAndExits() throws Exception {
        CliRun run = new DblockJar(workDir).run("demo");

        DemoStory.assertTold(run);
        assertThat(run.lines()).last().isEqualTo("Stopped the embedded PostgreSQL.");
    }

    @Test
    void helpExitsZeroAndListsEveryCommand() throws Exception {
        CliRun run = new DblockJar(workDir).run("--help");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out())
                .containsPattern("(?m)^  locks  ")
                .containsPattern("(?m)^  waits  ")
                .containsPattern("(?m)^  cancel  ")
                .containsPattern("(?m)^  terminate  ")
                .containsPattern("(?m)^  demo  ")
                .contains("Exit codes:");
    }

    @Test
    void missingUrlExitsTwo() throws Exception {
        CliRun run = new DblockJar(workDir).run("locks");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing required option: '--url=<jdbc-url>'");
    }

    @Test
    void anUnreachableServerExitsFive() throws Exception {
        CliRun run =
                new DblockJar(workDir).run("waits", "--url", "jdbc:mariadb://127.0.0.1:1/nothing?connectTimeout=2000");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(5);
        assertThat(run.err()).startsWith("dblock waits failed: could not connect");
    }
}
