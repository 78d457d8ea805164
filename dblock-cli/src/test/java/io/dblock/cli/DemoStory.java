package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the demo's output, the same way whether it ran in-process or as the shaded jar: every timeline line is well
 * formed, time never goes backwards, the events of the story come in their fixed order, and the tree of the chain of
 * waits is drawn as {@code dblock waits} draws it.
 */
final class DemoStory {

    // "+  216 ms  bob    gave up: ..." : time right-aligned in 5 columns, worker names padded to 5.
    private static final Pattern EVENT = Pattern.compile("\\+ *(\\d+) ms  (alice|bob  |carol)  (\\S.*)");

    /** The demo's scripted runs finish in well under a second; this only catches sleeps or stalls creeping in. */
    private static final long MAX_TIMELINE_MILLIS = 10_000;

    private DemoStory() {}

    static void assertTold(CliRun run) {
        assertThat(run.exitCode()).as(run.describe()).isZero();
        List<String> events =
                run.lines().stream().filter(line -> line.startsWith("+")).toList();
        long previous = 0;
        for (String event : events) {
            Matcher m = EVENT.matcher(event);
            assertThat(m.matches())
                    .as("timeline line '%s'\n%s", event, run.describe())
                    .isTrue();
            long millis = Long.parseLong(m.group(1));
            assertThat(millis).as("time of '%s'", event).isGreaterThanOrEqualTo(previous);
            previous = millis;
        }
        assertThat(previous).as("duration of the timeline").isLessThan(MAX_TIMELINE_MILLIS);

        int bobTimesOut =
                indexOf(events, "bob", e -> e.matches("gave up: timed out after \\d+ ms \\(LockTimeoutException\\)"));
        int aliceCommits = indexOf(
                events,
                "alice",
                e -> e.matches("sees carol \\(pid \\d+\\) waiting in pg_locks; inserts an order, commits"));
        int carolReads =
                indexOf(events, "carol", e -> e.matches("got SHARE on orders after \\d+ ms and finds 1 order"));
        int bobSkips = indexOf(events, "bob", e -> e.startsWith("skipped the work: \"invoice:42\" still busy"));
        int aliceReleases = indexOf(events, "alice", e -> e.endsWith("releases \"invoice:42\""));
        int carolProceeds =
                indexOf(events, "carol", e -> e.matches("got \"invoice:42\" after \\d+ ms on backend pid \\d+.*"));
        assertThat(List.of(bobTimesOut, aliceCommits, carolReads, bobSkips, aliceReleases, carolProceeds))
                .as(run.describe())
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(run.out()).contains("Summary (").contains("  bob    skipped  ");
        assertChainTree(run, events);
    }

    /**
     * The chain scene: alice holds "ledger", bob holds "payouts" and waits for "ledger", carol waits for "payouts";
     * the tree printed while they wait has alice at the root, bob's holding session one level down (waiting, through
     * his wait's own session, for "ledger"), carol two, and bob's wait session one; then the chain unwinds in order.
     */
    private static void assertChainTree(CliRun run, List<String> events) {
        String alice = pid(events, "alice", "holds \"ledger\" on backend pid (\\d+)");
        String bob = pid(events, "bob", "holds \"payouts\" on backend pid (\\d+), waits for \"ledger\"\\.\\.\\.");
        String carol = pid(events, "carol", "got \"payouts\" after \\d+ ms on backend pid (\\d+), releases it");
        List<String> lines = run.lines();
        int heading = lines.indexOf("Who blocks whom, as `dblock waits` shows it:");
        assertThat(heading).as("the tree's heading in\n%s", run.describe()).isNotNegative();
        String waited = "waits (\\d+ ms|\\d+\\.\\d s)";
        // multiplexed: bob's hold is on one session and his wait on another; the wait's label joins them, so bob's
        // holding session is under alice (waiting for what bob waits for), carol under it, bob's wait session beside
        // it;
        // the holding session is idle, or active while dblock's deadlock detector runs its query there
        assertThat(lines.get(heading + 1)).matches("  SESSION +STATE +WAIT +USER +APPLICATION +QUERY");
        assertThat(lines.get(heading + 2))
                .as(run.describe())
                .matches("  " + alice + " +idle +holds, blocks 3 +\\S+ +dblock-demo-alice +.*");
        assertThat(lines.subList(heading + 3, heading + 6))
                .as(run.describe())
                .anySatisfy(holding -> assertThat(holding)
                        .matches("  [|`]-- " + bob + " +(idle|active) +" + waited
                                + " for advisory \"ledger\" EXCLUSIVE +\\S+ +dblock-demo-bob +.*"))
                .anySatisfy(leaf -> assertThat(leaf)
                        .matches("  [| ]   `-- " + carol + " +active +" + waited
                                + " for advisory \"payouts\" EXCLUSIVE +\\S+ +dblock-demo-carol +.*"))
                .anySatisfy(wait -> assertThat(wait)
                        .matches("  [|`]-- \\d+ +active +" + waited
                                + " for advisory \"ledger\" EXCLUSIVE +\\S+ +dblock-demo-bob +/\\* dblock-wait .*"));
        assertThat(lines.get(heading + 6)).isEqualTo("  3 waiting, behind 1 blocking session.");
        int aliceReleases = indexOf(events, "alice", e -> e.equals("releases \"ledger\"; the chain unwinds"));
        int bobProceeds = indexOf(events, "bob", e -> e.matches("got \"ledger\" after \\d+ ms, releases both"));
        int carolProceeds = indexOf(events, "carol", e -> e.startsWith("got \"payouts\""));
        assertThat(List.of(aliceReleases, bobProceeds, carolProceeds)).isSorted();
    }

    /** The pid in the only event of {@code worker} that matches {@code event} (whose group 1 is the pid). */
    private static String pid(List<String> events, String worker, String event) {
        Pattern pattern = Pattern.compile(event);
        String line = events.get(indexOf(events, worker, e -> pattern.matcher(e).matches()));
        Matcher m = EVENT.matcher(line);
        assertThat(m.matches()).isTrue();
        Matcher pid = pattern.matcher(m.group(3));
        assertThat(pid.matches()).isTrue();
        return pid.group(1);
    }

    /** Index of the only event of {@code worker} whose text matches. */
    private static int indexOf(List<String> events, String worker, Predicate<String> text) {
        int found = -1;
        for (int i = 0; i < events.size(); i++) {
            Matcher m = EVENT.matcher(events.get(i));
            if (m.matches() && m.group(2).trim().equals(worker) && text.test(m.group(3))) {
                assertThat(found)
                        .as("a second matching event of %s: %s", worker, events.get(i))
                        .isEqualTo(-1);
                found = i;
            }
        }
        assertThat(found)
                .as("an event of %s in\n%s", worker, String.join("\n", events))
                .isNotNegative();
        return found;
    }
}
