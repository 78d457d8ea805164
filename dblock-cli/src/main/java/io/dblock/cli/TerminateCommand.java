package io.dblock.cli;

import io.dblock.inspect.LockInspector;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dblock terminate ID}: ends a session, rolling back its transaction and releasing all its locks, after showing
 * what it holds and asking (unless {@code --yes}).
 */
@Command(
        name = "terminate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Ends a session, rolling back its transaction and releasing all its locks.",
            "PostgreSQL pg_terminate_backend, MariaDB/MySQL KILL CONNECTION. The session's client sees its"
                    + " connection break.",
            "First shows the session's locks and asks for confirmation on standard input (y or yes); --yes skips"
                    + " the question. Without an answer (end of input) nothing is done and the exit code is 2.",
            "Needs: PostgreSQL superuser, the session's own role or pg_signal_backend; MariaDB CONNECTION ADMIN or"
                    + " SUPER (MySQL CONNECTION_ADMIN) for other users' sessions."
        },
        exitCodeOnExecutionException = ExitCodes.FAILED,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:Terminated, or left alone because the answer was not yes.",
            ExitCodes.NO_SUCH_SESSION_LINE,
            "2:Usage error: bad or missing options or arguments, or no answer to the question.",
            ExitCodes.REFUSED_LINE,
            ExitCodes.UNSUPPORTED_LINE,
            ExitCodes.FAILED_LINE
        })
final class TerminateCommand implements Callable<Integer> {

    @ParentCommand
    private DblockCommand parent;

    @Spec
    private CommandSpec spec;

    @Parameters(
            paramLabel = "<connection-id>",
            description = "The session: CONN in `dblock locks`, SESSION in `dblock waits`.")
    private long connectionId;

    @Option(
            names = {"-y", "--yes"},
            description = "Terminate without asking.")
    private boolean yes;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public Integer call() {
        LockInspector inspector = connection.connect(parent.terminal()).inspector();
        PrintWriter out = spec.commandLine().getOut();
        if (!yes) {
            Optional<Boolean> confirmed = ask(inspector);
            if (confirmed.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .println("No answer on standard input: nothing done. Pass --yes to terminate without asking.");
                spec.commandLine().getErr().flush();
                return ExitCodes.USAGE;
            }
            if (!confirmed.get()) {
                out.println("Left session " + connectionId + " alone.");
                out.flush();
                return ExitCodes.OK;
            }
        }
        if (!inspector.terminate(connectionId)) {
            return Sessions.noSuchSession(spec, connectionId);
        }
        out.println("Terminated session " + connectionId
                + ": the server rolls back its transaction and releases its locks.");
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * Shows the session and asks; the question goes to standard error, so standard output stays the result.
     *
     * @return whether the answer was yes, or empty at the end of input
     */
    private Optional<Boolean> ask(LockInspector inspector) {
        PrintWriter err = spec.commandLine().getErr();
        Sessions.describe(inspector, connectionId).forEach(err::println);
        err.print("Terminate session " + connectionId
                + "? Its transaction is rolled back and all its locks are released. [y/N] ");
        err.flush();
        Optional<String> answer = parent.terminal().readLine();
        if (answer.isEmpty()) {
            err.println();
        }
        return answer.map(line -> line.trim().toLowerCase(Locale.ROOT))
                .map(word -> word.equals("y") || word.equals("yes"));
    }
}
