package io.dblock.cli.render;

import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.WaitNode;
import java.util.ArrayList;
import java.util.List;

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
        int waiting = 0;
        for (WaitNode root : roots) {
            add(table, root, "", "", true);
            waiting += root.blockedCount();
        }
        List<String> lines = new ArrayList<>(table.lines(width));
        lines.add(waiting + " waiting, behind " + roots.size() + " blocking "
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
                Cells.or(session.query()));
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
        if (root) {
            // only for the root: below it, the tree itself shows whom each session blocks
            text.append(", blocks ").append(node.blockedCount());
        }
        return text.toString();
    }
}
