package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded {@code target/dblock.jar} as users do, in a JVM of its own: proves the jar is complete (main class,
 * picocli, driver, PostgreSQL binaries) and that the demo's process really exits.
 *
 * <p>An integration test (failsafe, after {@code package}), because the jar does not exist before then.
 */
class DblockJarIT {

    private static final long PROCESS_LIMIT_SECONDS = 120;

    @TempDir
    Path outputDir;

    @Test
    void demoRunsAndExits() throws Exception {
        CliRun run = runJar("demo");

        DemoStory.assertTold(run);
        assertThat(run.lines()).last().isEqualTo("Stopped the embedded PostgreSQL.");
    }

    @Test
    void helpExitsZeroAndListsDemo() throws Exception {
        CliRun run = runJar("--help");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.out()).containsPattern("(?m)^  demo  ");
    }

    private CliRun runJar(String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("dblock.jar", "target/dblock.jar"));
        assertThat(jar)
                .as("the shaded jar; run `mvn verify`, which builds it first")
                .isRegularFile();
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        // Files rather than pipes: nothing to drain concurrently, and a full pipe can never block the child.
        Path out = outputDir.resolve("stdout.txt");
        Path err = outputDir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(PROCESS_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dblock " + String.join(" ", args) + " did not exit within "
                    + PROCESS_LIMIT_SECONDS + " s; stdout so far:\n" + Files.readString(out));
        }
        return new CliRun(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
