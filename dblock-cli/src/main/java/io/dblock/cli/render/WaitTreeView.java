package io.dblock.cli.render;

import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.WaitNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tree {@code dblock waits} (and the end of {@code dblock demo}) prints: each session that blocks others and waits
 * for nobody, with the sessions waiting for it indented below it, in the order of {@link
 * io.dblock.inspect.LockInspector#waitTree()}.
 *
 * <pre>
 * SESSION       STATE                WAIT                                    USER   APPLICATION  QUERY
 * 4242          idle in transaction  holds, blocks 2                         alice  billing      UPDATE ...
 * `-- 4243      active               waits 3.2 s for advisory "a" EXCLUSIVE  bob    billing      SELECT ...
 *     `-- 4244  active               waits 1.1 s for advisory "b" EXCLUSIVE  carol  reports      SELECT ...
 * 2 waiting, behind 1 blocking session.
 * </pre>
 *
 * A session that waits for several others (two holders of a shared lock, say) is drawn under each of them, and says
 * whom it waits for ({@code blocked by 4242, 4250}); the sessions it blocks in turn are drawn under its first
 * appearance only, and its later appearances say so ({@code blocks 1, shown above}). Counts are of distinct sessions.
 *
 * The tree is drawn in ASCII ({@code |--}, {@code `--}) so it reads the same whatever the console's encoding.
 */
public final class WaitTreeView {

    /** The only line when nobody waits. */
    public static final String NOBODY_WAITS = "Nobody is waiting for a lock.";

    private static final List<TextTable.Column> COLUMNS = List.of(
            TextTable.Column.fixed("SESSION"),
            new TextTable.Column("STATE", 19, 26),
            new TextTable.Column("WAIT", 96, 96),
            new TextTable.Column("USER", 8, 24),
            new TextTable.Column("APPLICATION", 17, 32),
            TextTable.Column.fixed("QUERY"));

    private WaitTreeView() {}

    /**
     * Lays out the trees.
     *
     * @param roots the roots of {@link io.dblock.inspect.LockInspector#waitTree()}
     * @param width the line width to fit (the query column is cut), or 0 or less for no limit
     * @return the lines to print
     */
    public static List<String> lines(List<WaitNode> roots, int width) {
        if (roots.isEmpty()) {
            return List.of(NOBODY_WAITS);
        }
        TextTable table = new TextTable(COLUMNS);
        for (WaitNode root : roots) {
            add(table, root, "", "", true);
        }
        List<String> lines = new ArrayList<>(table.lines(width));
        lines.add(waiting(roots) + " waiting, behind " + roots.size() + " blocking "
                + (roots.size() == 1 ? "session." : "sessions."));
        return lines;
    }

    /**
     * Adds {@code node} and, below it, the sessions it blocks.
     *
     * @param connector drawn before this node's id: empty for a root, else {@code "|-- "} or {@code "`-- "}
     * @param indent drawn before the connectors of this node's children
     */
    private static void add(TextTable table, WaitNode node, String connector, String indent, boolean root) {
        SessionInfo session = node.session();
        List<String> text = Cells.oneLine(
                Cells.state(session.state()),
                wait(node, root),
                Cells.or(session.user()),
                Cells.or(session.applicationName()),
                Cells.or(session.activity()));
        List<String> cells = new ArrayList<>();
        cells.add(connector + session.connectionId()); // not made one line: that would trim the indentation
        cells.addAll(text);
        table.add(cells);
        List<WaitNode> children = node.blocks();
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            add(table, children.get(i), indent + (last ? "`-- " : "|-- "), indent + (last ? "    " : "|   "), false);
        }
    }

    /** {@code holds, blocks 2} for a root, {@code waits 3.2 s for advisory "a" EXCLUSIVE} below it. */
    private static String wait(WaitNode node, boolean root) {
        StringBuilder text = new StringBuilder();
        if (node.waitingFor().isEmpty() && root) {
            text.append("holds");
        } else {
            text.append("waits");
            node.waited().ifPresent(waited -> text.append(' ').append(DurationText.format(waited)));
            text.append(node.waitingFor()
                    .map(lock -> " for " + lock.target() + " " + lock.mode())
                    .orElse(" for a lock not listed (such as a row lock)"));
        }
        List<Long> blockers = node.blockedBy();
        if (blockers.size() > 1) {
            text.append(", blocked by ").append(ids(blockers));
        }
        if (root) {
            // only for the root: below it, the tree itself shows whom each session blocks
            text.append(", blocks ").append(node.blockedCount());
        } else if (node.repeated() && node.blockedCount() > 0) {
            text.append("; blocks ").append(node.blockedCount()).append(", shown above");
        }
        return text.toString();
    }

    /** Up to {@value #SHOWN_BLOCKERS} ids, then how many more: a long queue would otherwise fill the column. */
    private static String ids(List<Long> ids) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(ids.size(), SHOWN_BLOCKERS); i++) {
            text.append(i == 0 ? "" : ", ").append(ids.get(i));
        }
        if (ids.size() > SHOWN_BLOCKERS) {
            text.append(" and ").append(ids.size() - SHOWN_BLOCKERS).append(" more");
        }
        return text.toString();
    }

    private static final int SHOWN_BLOCKERS = 3;

    /** Distinct sessions that wait, wherever and however often they appear (a deadlocked root waits too). */
    private static int waiting(List<WaitNode> roots) {
        Set<Long> waiting = new HashSet<>();
        for (WaitNode root : roots) {
            if (!root.blockedBy().isEmpty()) {
                waiting.add(root.session().connectionId());
            }
        }
        Deque<WaitNode> below = new ArrayDeque<>();
        roots.forEach(root -> below.addAll(root.blocks()));
        while (!below.isEmpty()) {
            WaitNode node = below.pop();
            waiting.add(node.session().connectionId());
            below.addAll(node.blocks());
        }
        return waiting.size();
    }
}
