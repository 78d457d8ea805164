package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shaded {@code target/dblock.jar} as users do: {@code java -jar dblock.jar ...} in a JVM of its own, with a
 * controlled environment and standard input.
 *
 * <p>Output goes to files rather than pipes: nothing to drain concurrently, and a full pipe can never block the child.
 * The child's environment is this JVM's without {@code DBLOCK_PASSWORD} and {@code COLUMNS}, plus what the caller
 * adds, so results do not depend on the shell that started the build.
 */
final class DblockJar {

    /** Longer than any command needs; only a hung process reaches it. */
    static final long PROCESS_LIMIT_SECONDS = 60;

    private final Path workDir;

    /** @param workDir where to keep each run's input and output files (a JUnit {@code @TempDir}) */
    DblockJar(Path workDir) {
        this.workDir = workDir;
    }

    /** Runs {@code dblock args...} with nothing on standard input. */
    CliRun run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), "", List.of(args));
    }

    /**
     * Runs {@code dblock args...} and waits for it to exit.
     *
     * @param env variables to add to the child's environment
     * @param stdin what the child reads on standard input (then end of input)
     * @param args the arguments
     */
    CliRun run(Map<String, String> env, String stdin, List<String> args) throws IOException, InterruptedException {
        Running running = start(env, stdin, args);
        if (!running.process.waitFor(PROCESS_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            running.process.destroyForcibly();
            throw new AssertionError("dblock " + String.join(" ", args) + " did not exit within "
                    + PROCESS_LIMIT_SECONDS + " s; stdout so far:\n" + running.out());
        }
        return new CliRun(running.process.exitValue(), running.out(), running.err());
    }

    /** Starts {@code dblock args...} without waiting, for commands that run until stopped ({@code --watch}). */
    Running start(Map<String, String> env, String stdin, List<String> args) throws IOException {
        Path jar = Path.of(System.getProperty("dblock.jar", "target/dblock.jar"));
        assertThat(jar)
                .as("the shaded jar; run `mvn verify`, which builds it first")
                .isRegularFile();
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", jar.toString()));
        command.addAll(args);
        Path in = Files.writeString(Files.createTempFile(workDir, "stdin", ".txt"), stdin);
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove(ConnectionOptions.PASSWORD_ENV);
        builder.environment().remove("COLUMNS");
        builder.environment().putAll(env);
        return new Running(builder.start(), out, err);
    }

    /** A started {@code dblock} process and the files its output goes to. */
    record Running(Process process, Path outFile, Path errFile) {

        /** Standard output so far. */
        String out() {
            return read(outFile);
        }

        /** Standard error so far. */
        String err() {
            return read(errFile);
        }

        /** Stops the process (as Ctrl-C would end it) and waits for it to go. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(PROCESS_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, Charset.defaultCharset());
            } catch (IOException e) {
                throw new AssertionError("cannot read " + file, e);
            }
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
