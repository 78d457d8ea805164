package io.dblock.cli;

import io.dblock.inspect.LockInspector;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dblock cancel ID}: cancels a session's running statement, such as a lock wait; the session lives on. */
@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Cancels the statement a session is running, such as its wait for a lock; the session stays connected.",
            "PostgreSQL pg_cancel_backend, MariaDB/MySQL KILL QUERY. The session keeps its"
                    + " session-level locks; on PostgreSQL its transaction fails and releases its transaction locks"
                    + " once the client rolls back.",
            "Needs: PostgreSQL superuser, the session's own role or pg_signal_backend; MariaDB CONNECTION ADMIN or"
                    + " SUPER (MySQL CONNECTION_ADMIN) for other users' sessions."
        },
        exitCodeOnExecutionException = ExitCodes.FAILED,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            ExitCodes.OK_LINE,
            ExitCodes.NO_SUCH_SESSION_LINE,
            ExitCodes.USAGE_LINE,
            ExitCodes.REFUSED_LINE,
            ExitCodes.UNSUPPORTED_LINE,
            ExitCodes.FAILED_LINE
        })
final class CancelCommand implements Callable<Integer> {

    @ParentCommand
    private DblockCommand parent;

    @Spec
    private CommandSpec spec;

    @Parameters(
            paramLabel = "<connection-id>",
            description = "The session: CONN in `dblock locks`, SESSION in `dblock waits`.")
    private long connectionId;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public Integer call() {
        LockInspector inspector = connection.connect(parent.terminal()).inspector();
        if (!inspector.cancel(connectionId)) {
            return Sessions.noSuchSession(spec, connectionId);
        }
        spec.commandLine()
                .getOut()
                .println("Cancelled the running statement of session " + connectionId
                        + "; the session stays connected.");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
