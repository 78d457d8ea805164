package io.dblock.cli.demo;

import io.dblock.DbLocks;
import io.dblock.inspect.LockInspector;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's story: three workers contend for a table lock and then for an advisory lock, and the timeline shows who
 * holds, who times out, who skips and who waits and proceeds; after the summary they form a chain of waits, which is
 * printed as {@code dblock waits} prints it, and unwind it.
 *
 * <p>The order of events is the same on every run, because nobody relies on timing: each step starts only when the
 * previous one has finished, and a holder releases only once {@code pg_locks} shows the waiter actually waiting. Only
 * the milliseconds and pids vary.
 */
public final class DemoScenario {

    private static final List<String> NAMES = List.of("alice", "bob", "carol");
    private static final int NAME_WIDTH =
            NAMES.stream().mapToInt(String::length).max().orElseThrow();

    private final DemoDatabase database;
    private final PrintWriter out;
    private final int width;

    /**
     * Prepares the story.
     *
     * @param database the server to play it on
     * @param out where to print the timeline and the summary
     * @param width the line width for the tree of waits, or 0 or less for no limit
     */
    public DemoScenario(DemoDatabase database, PrintWriter out, int width) {
        this.database = database;
        this.out = out;
        this.width = width;
    }

    /**
     * Creates the demo table, plays the table and advisory scenes, prints the summary, plays the chain of waits and drops
     * the table again.
     *
     * @throws Exception if a step fails or does not finish within its limit; the workers are stopped either way
     */
    public void run() throws Exception {
        execute(
                "DROP SCHEMA IF EXISTS dblock_demo CASCADE",
                "CREATE SCHEMA dblock_demo",
                "CREATE TABLE " + TableScene.TABLE + " (id serial PRIMARY KEY, item text NOT NULL)");
        out.println("Created table " + TableScene.TABLE + ". alice, bob and carol each have their own connections and"
                + " DbLocks, like three separate applications.");
        out.println();
        List<Worker> workers = new ArrayList<>();
        try (ServerProbe probe = new ServerProbe(database)) {
            for (String name : NAMES) {
                workers.add(new Worker(name, database));
            }
            Timeline timeline = new Timeline(out, NAME_WIDTH);
            Summary summary = new Summary();
            Cast cast = new Cast(workers.get(0), workers.get(1), workers.get(2), timeline, probe, summary);
            new TableScene(cast).play();
            timeline.note("");
            new AdvisoryScene(cast).play();
            long total = timeline.elapsedMillis();
            out.println();
            summary.print(out, NAME_WIDTH, total);
            out.println("Every wait happened on the server (lock_timeout, pg_advisory_lock); the workers were kept in"
                    + " step by watching pg_locks, not by sleeping.");
            out.println();
            LockInspector inspector =
                    DbLocks.create(database.dataSource("dblock-demo-inspector")).inspector();
            new ChainScene(cast, inspector, width).play();
        } finally {
            workers.forEach(Worker::close);
        }
        execute("DROP SCHEMA dblock_demo CASCADE");
    }

    private void execute(String... statements) throws SQLException {
        try (Connection connection = database.dataSource("dblock-demo").getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
