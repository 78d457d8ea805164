package io.dblock.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code dblock} command: a container for subcommands, one class each.
 *
 * <p>To add a subcommand (for example {@code locks}), write a class annotated with {@link Command} that implements
 * {@code Callable<Integer>} (with {@code mixinStandardHelpOptions} and this {@code versionProvider}) and list it in
 * {@code subcommands} below. Subcommands print through {@code
 * spec.commandLine().getOut()} and {@code getErr()}, so tests can capture their output in-process.
 */
@Command(
        name = "dblock",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Database-level locks for Java: tools to see and try them.",
        subcommands = {DemoCommand.class, CommandLine.HelpCommand.class})
public final class DblockCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits the JVM with picocli's exit code (0 success, 1 failure, 2 usage error).
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        // Exit explicitly: a subcommand's stray non-daemon thread must not keep the tool running.
        System.exit(commandLine().execute(args));
    }

    /**
     * Creates the configured command line, for {@link #main} and for tests that run commands in-process.
     *
     * @return a new command line for {@code dblock}
     */
    public static CommandLine commandLine() {
        return new CommandLine(new DblockCommand()).setExecutionExceptionHandler(new FailureHandler());
    }

    /** Without a subcommand there is nothing to do: report it as a usage error, as picocli does for bad options. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }
}
