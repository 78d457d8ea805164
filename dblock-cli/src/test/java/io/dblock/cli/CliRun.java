package io.dblock.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * What one run of {@code dblock} produced: the exit code and both output streams.
 *
 * @param exitCode the process's (or picocli's) exit code
 * @param out standard output
 * @param err standard error
 */
record CliRun(int exitCode, String out, String err) {

    /** Runs {@code dblock args...} in this JVM through picocli, capturing its output, on a {@link ScriptedTerminal}. */
    static CliRun inProcess(String... args) {
        return inProcess(ScriptedTerminal.plain(), args);
    }

    /** Runs {@code dblock args...} in this JVM through picocli on the given terminal, capturing its output. */
    static CliRun inProcess(Terminal terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = DblockCommand.commandLine(terminal)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    /** The lines of standard output. */
    List<String> lines() {
        return out.lines().toList();
    }

    /** Both streams, for assertion messages. */
    String describe() {
        return "exit code " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
}
