package io.dblock.cli;

import io.dblock.DbLocks;
import io.dblock.cli.render.LockJson;
import io.dblock.cli.render.PoolerNote;
import io.dblock.cli.render.WaitTreeView;
import io.dblock.inspect.LockInspector;
import io.dblock.inspect.WaitNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code dblock waits}: who waits for whom, as trees with the blocking sessions at the roots. */
@Command(
        name = "waits",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Shows who waits for whom, as trees with the blocking sessions at the roots.",
            "Each root is a session that blocks others and waits for nobody (the one to look at, and perhaps to"
                    + " cancel or terminate); below it, indented, the sessions waiting for it, and below those the"
                    + " sessions waiting for them. The root blocking most sessions comes first.",
            "Each line: connection id, state, what it waits for (lock and mode) and for how long, or \"holds\" for"
                    + " a root, then user, application and query.",
            "PostgreSQL also shows waits for row locks and for earlier waiters in the queue; MariaDB/MySQL show"
                    + " waits for table metadata locks and named locks, not InnoDB row locks."
        },
        exitCodeOnExecutionException = ExitCodes.FAILED,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            ExitCodes.OK_LINE,
            ExitCodes.USAGE_LINE,
            ExitCodes.REFUSED_LINE,
            ExitCodes.UNSUPPORTED_LINE,
            ExitCodes.FAILED_LINE
        })
final class WaitsCommand implements Callable<Integer> {

    @ParentCommand
    private DblockCommand parent;

    @Mixin
    private ConnectionOptions connection;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() throws Exception {
        output.validate();
        DbLocks locks = connection.connect(parent.terminal());
        LockInspector inspector = locks.inspector();
        int width = output.width(parent.terminal());
        output.show("dblock waits", parent.terminal(), () -> {
            List<WaitNode> tree = inspector.waitTree();
            return output.json()
                    ? List.of(LockJson.waitTree(
                            tree,
                            locks.engineName(),
                            locks.serverVersion(),
                            inspector.pooler().name()))
                    : PoolerNote.after(WaitTreeView.lines(tree, width), inspector.pooler());
        });
        return ExitCodes.OK;
    }
}
