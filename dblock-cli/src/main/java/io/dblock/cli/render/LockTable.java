package io.dblock.cli.render;

import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The table {@code dblock locks} prints: one row per lock held or requested, then a count.
 *
 * <pre>
 * CONN  KIND      TARGET        MODE       STATUS         USER     APPLICATION  STATE   QUERY
 * 4242  advisory  "invoice:42"  EXCLUSIVE  granted        billing  billing-app  idle    SELECT ...
 * 4243  advisory  "invoice:42"  EXCLUSIVE  waiting 2.3 s  billing  billing-app  active  SELECT ...
 * 2 locks: 1 granted, 1 waiting.
 * </pre>
 *
 * The query column shows {@link SessionInfo#activity()}: the statement, or for an idle session dblock holds session
 * locks on, its label and role ({@code dblock 4242@app-host: holds session locks, idle}) instead of dblock's own last
 * statement.
 */
public final class LockTable {

    private static final List<TextTable.Column> COLUMNS = List.of(
            TextTable.Column.fixed("CONN"),
            TextTable.Column.fixed("KIND"),
            new TextTable.Column("TARGET", 24, 64),
            TextTable.Column.fixed("MODE"),
            TextTable.Column.fixed("STATUS"),
            new TextTable.Column("USER", 8, 24),
            new TextTable.Column("APPLICATION", 17, 32),
            new TextTable.Column("STATE", 19, 26),
            TextTable.Column.fixed("QUERY"));

    private LockTable() {}

    /** {@code granted}, or {@code waiting 2.3 s} (how long, when the server says). */
    private static String status(LockInfo lock) {
        return lock.granted()
                ? "granted"
                : "waiting"
                        + lock.waited()
                                .map(waited -> " " + DurationText.format(waited))
                                .orElse("");
    }

    /**
     * Lays out the locks.
     *
     * @param locks the locks, in the order to show them
     * @param emptyMessage the only line when there are no locks, such as {@code "No locks."}
     * @param width the line width to fit (the query column is cut), or 0 or less for no limit
     * @return the lines to print
     */
    public static List<String> lines(List<LockInfo> locks, String emptyMessage, int width) {
        if (locks.isEmpty()) {
            return List.of(emptyMessage);
        }
        TextTable table = new TextTable(COLUMNS);
        for (LockInfo lock : locks) {
            SessionInfo session = lock.session();
            table.add(Cells.oneLine(
                    Long.toString(lock.connectionId()),
                    Cells.kind(lock),
                    Cells.object(lock),
                    lock.mode(),
                    status(lock),
                    Cells.or(session.user()),
                    Cells.or(session.applicationName()),
                    Cells.state(session.state()),
                    Cells.or(session.activity())));
        }
        List<String> lines = new ArrayList<>(table.lines(width));
        long waiting = locks.stream().filter(lock -> !lock.granted()).count();
        lines.add(locks.size() + (locks.size() == 1 ? " lock: " : " locks: ") + (locks.size() - waiting) + " granted, "
                + waiting + " waiting.");
        return lines;
    }
}
