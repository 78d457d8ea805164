package io.dblock.cli;

import io.dblock.LockException;
import io.dblock.cli.render.Text;
import io.dblock.inspect.LockFilter;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.LockInspector;
import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.WaitNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/** What {@code cancel} and {@code terminate} say about the session they signal. */
final class Sessions {

    private Sessions() {}

    /** Reports that the server has no such session; returns {@link ExitCodes#NO_SUCH_SESSION}. */
    static int noSuchSession(CommandSpec spec, long connectionId) {
        spec.commandLine()
                .getErr()
                .println("No session " + connectionId + " on the server (it may have ended already).");
        spec.commandLine().getErr().flush();
        return ExitCodes.NO_SUCH_SESSION;
    }

    /**
     * Describes a session by its locks and the sessions it blocks, for the question before terminating it.
     *
     * @return lines such as {@code Session 4242 (user app, idle in transaction):}, one per lock it holds or waits for,
     *     and how many sessions wait for it (directly or behind others); a line saying why not if the server cannot
     *     tell (the question is asked anyway)
     */
    static List<String> describe(LockInspector inspector, long connectionId) {
        List<String> lines = new ArrayList<>();
        try {
            List<LockInfo> locks = inspector.locks(LockFilter.all().connection(connectionId));
            int blocked = blockedBy(inspector.waitTree(), connectionId);
            if (locks.isEmpty()) {
                lines.add("Session " + connectionId + " has no table or advisory lock that dblock can see.");
            } else {
                lines.add("Session " + connectionId + " (" + who(locks.get(0).session()) + "):");
                for (LockInfo lock : locks) {
                    lines.add("  " + (lock.granted() ? "holds " : "waits for ") + Text.oneLine(lock.target()) + " "
                            + lock.mode());
                }
            }
            if (blocked > 0) {
                lines.add("  and blocks " + blocked + (blocked == 1 ? " session." : " sessions."));
            }
        } catch (LockException e) {
            lines.add("(Cannot show what session " + connectionId + " holds: " + e.getMessage() + ")");
        }
        return lines;
    }

    /** How many sessions wait for {@code connectionId}, directly or behind others, as {@code dblock waits} counts. */
    private static int blockedBy(List<WaitNode> nodes, long connectionId) {
        for (WaitNode node : nodes) {
            if (node.session().connectionId() == connectionId) {
                return node.blockedCount();
            }
            int below = blockedBy(node.blocks(), connectionId);
            if (below > 0) {
                return below;
            }
        }
        return 0;
    }

    private static String who(SessionInfo session) {
        List<String> parts = new ArrayList<>();
        session.user().ifPresent(user -> parts.add("user " + user));
        session.applicationName().ifPresent(app -> parts.add("application " + app));
        session.dblockLabel().ifPresent(label -> parts.add("dblock holder " + label));
        parts.add(session.state().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        return Text.oneLine(String.join(", ", parts));
    }
}
