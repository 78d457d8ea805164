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
 * <p>To add a subcommand, write a class annotated with {@link Command} that implements {@code Callable<Integer>} (with
 * {@code mixinStandardHelpOptions} and this {@code versionProvider}) and list it in {@code subcommands} below.
 * Subcommands print through {@code spec.commandLine().getOut()} and {@code getErr()}, and reach environment variables,
 * standard input and the console only through {@link #terminal()}, so tests can run them in-process.
 */
@Command(
        name = "dblock",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Database-level locks for Java: see who holds and waits for locks on PostgreSQL, MariaDB and MySQL, end"
                    + " the sessions that block others, or watch a demo.",
            "Password for --url: $" + ConnectionOptions.PASSWORD_ENV
                    + ", --password-env NAME or --password-prompt; never on the command line."
        },
        subcommands = {
            LocksCommand.class,
            WaitsCommand.class,
            CancelCommand.class,
            TerminateCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            ExitCodes.OK_LINE,
            ExitCodes.NO_SUCH_SESSION_LINE,
            ExitCodes.USAGE_LINE,
            ExitCodes.REFUSED_LINE,
            ExitCodes.UNSUPPORTED_LINE,
            ExitCodes.FAILED_LINE
        })
public final class DblockCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final Terminal terminal;

    /** A command on the process's own terminal; picocli needs a no-argument constructor. */
    public DblockCommand() {
        this(Terminal.system());
    }

    private DblockCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    /**
     * Runs the command line and exits the JVM with its exit code (see {@link ExitCodes}; {@code demo} exits 1 on
     * failure).
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        // MariaDB Connector/J prints every server error it is about to throw ("[ WARN] (main) Error: 1045-28000 ...")
        // on standard error; the tool reports failures itself, once. -Dmariadb.logging.disable=false brings it back.
        if (System.getProperty("mariadb.logging.disable") == null) {
            System.setProperty("mariadb.logging.disable", "true");
        }
        // Exit explicitly: a subcommand's stray non-daemon thread must not keep the tool running.
        System.exit(commandLine().execute(args));
    }

    /**
     * Creates the configured command line on the process's terminal, for {@link #main}.
     *
     * @return a new command line for {@code dblock}
     */
    public static CommandLine commandLine() {
        return commandLine(Terminal.system());
    }

    /**
     * Creates the configured command line on the given terminal, for tests that run commands in-process.
     *
     * @param terminal the environment, standard input and console the subcommands see
     * @return a new command line for {@code dblock}
     */
    public static CommandLine commandLine(Terminal terminal) {
        return new CommandLine(new DblockCommand(terminal))
                .setExecutionExceptionHandler(new FailureHandler())
                .setParameterExceptionHandler(new UsageErrorHandler());
    }

    /** The terminal the subcommands use, reached through their {@code @ParentCommand}. */
    Terminal terminal() {
        return terminal;
    }

    /** Without a subcommand there is nothing to do: report it as a usage error, as picocli does for bad options. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }
}
