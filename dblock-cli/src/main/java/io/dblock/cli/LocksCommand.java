package io.dblock.cli;

import io.dblock.DbLocks;
import io.dblock.LockKey;
import io.dblock.TableName;
import io.dblock.cli.render.LockJson;
import io.dblock.cli.render.LockTable;
import io.dblock.cli.render.PoolerNote;
import io.dblock.inspect.LockFilter;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.LockInspector;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dblock locks}: every table and advisory lock held or awaited on the server, one row each. */
@Command(
        name = "locks",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Lists every table and advisory (named) lock held or awaited on the server.",
            "One row per lock: connection id, what is locked, mode, granted or waiting and for how long, and the"
                    + " session's user, application, state and query. Holders first, then by connection id.",
            "Advisory keys print as the server knows them: PostgreSQL keeps only a 64-bit number, so a string key"
                    + " shows as its hash (find it with --key NAME); MariaDB/MySQL keep the name."
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
final class LocksCommand implements Callable<Integer> {

    @ParentCommand
    private DblockCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(
            names = "--table",
            paramLabel = "<table>",
            description = "Only locks on this table: orders (any schema) or sales.orders. Case-sensitive.")
    private String table;

    @Option(
            names = "--key",
            paramLabel = "<key>",
            converter = KeyArgument.class,
            description = {
                "Only locks on this advisory key, written as the output shows keys: 42 (a number), (1,2) (a pair),"
                        + " \"invoice:42\" (a name; quotes make digits a name), or invoice:42 (a name, unquoted)."
            })
    private LockKey key;

    @Option(names = "--connection", paramLabel = "<id>", description = "Only locks of this session.")
    private Long connectionId;

    @Option(names = "--waiting", description = "Only requests still waiting.")
    private boolean waiting;

    @Option(names = "--granted", description = "Only locks held.")
    private boolean granted;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() throws Exception {
        LockFilter filter = filter();
        output.validate();
        DbLocks locks = connection.connect(parent.terminal());
        LockInspector inspector = locks.inspector();
        int width = output.width(parent.terminal());
        String none = filtered() ? "No locks match " + filter + "." : "No locks.";
        output.show("dblock locks", parent.terminal(), () -> {
            List<LockInfo> found = inspector.locks(filter);
            return output.json()
                    ? List.of(LockJson.locks(
                            found,
                            locks.engineName(),
                            locks.serverVersion(),
                            inspector.pooler().name()))
                    : PoolerNote.after(unresolvedNote(LockTable.lines(found, none, width), found), inspector.pooler());
        });
        return ExitCodes.OK;
    }

    /** After the table: what a table shown as {@code <oid N>} is, when one is there. */
    private static List<String> unresolvedNote(List<String> lines, List<LockInfo> found) {
        List<Long> oids = found.stream()
                .flatMap(lock -> lock.table().stream())
                .filter(t -> t.oid().isPresent())
                .map(t -> t.oid().getAsLong())
                .distinct()
                .toList();
        if (oids.isEmpty()) {
            return lines;
        }
        List<String> all = new java.util.ArrayList<>(lines);
        all.add("<oid N>: a table (or an index or sequence) this session cannot see by name, locked in a transaction"
                + " that has not committed yet (it created, renamed or moved it); shown under --table whatever the name"
                + " asked for. OIDs: "
                + oids.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ".");
        return all;
    }

    private boolean filtered() {
        return table != null || key != null || connectionId != null || waiting || granted;
    }

    private LockFilter filter() {
        if (waiting && granted) {
            throw new ParameterException(spec.commandLine(), "--waiting and --granted exclude each other");
        }
        LockFilter filter = LockFilter.all();
        if (table != null) {
            try {
                TableName.parse(table);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--table: " + e.getMessage());
            }
            filter = filter.table(table);
        }
        if (key != null) {
            filter = filter.key(key);
        }
        if (connectionId != null) {
            filter = filter.connection(connectionId);
        }
        if (waiting || granted) {
            filter = filter.granted(granted);
        }
        return filter;
    }
}
