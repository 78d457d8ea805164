package io.dblock.cli.render;

import static io.dblock.cli.render.Records.node;
import static io.dblock.cli.render.Records.session;
import static io.dblock.cli.render.Records.table;
import static io.dblock.cli.render.Records.waitsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.LockKey;
import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.SessionState;
import io.dblock.inspect.WaitNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WaitTreeViewTest {

    private static final SessionInfo ALICE =
            session(4242, "alice", "billing", SessionState.IDLE_IN_TRANSACTION, "UPDATE accounts SET balance = 0");
    private static final SessionInfo BOB =
            session(4243, "bob", "billing", SessionState.ACTIVE, "SELECT pg_advisory_lock($1)");
    private static final SessionInfo CAROL =
            session(4244, "carol", "reports", SessionState.ACTIVE, "SELECT pg_advisory_lock($1)");

    /** alice holds "a"; bob holds "b" and waits for "a"; carol waits for "b". */
    private static WaitNode chain() {
        return node(
                ALICE,
                null,
                node(
                        BOB,
                        waitsFor(BOB, LockKey.of("a"), Duration.ofMillis(3_200)),
                        node(CAROL, waitsFor(CAROL, LockKey.of("b"), Duration.ofMillis(1_100)))));
    }

    @Test
    void aThreeLevelChainIndentsEachLevelUnderTheOneItWaitsFor() {
        assertThat(String.join("\n", WaitTreeView.lines(List.of(chain()), 0)))
                .isEqualTo(
                        """
                        SESSION       STATE                WAIT                                    USER   APPLICATION  QUERY
                        4242          idle in transaction  holds, blocks 2                         alice  billing      UPDATE accounts SET balance = 0
                        `-- 4243      active               waits 3.2 s for advisory "a" EXCLUSIVE  bob    billing      SELECT pg_advisory_lock($1)
                            `-- 4244  active               waits 1.1 s for advisory "b" EXCLUSIVE  carol  reports      SELECT pg_advisory_lock($1)
                        2 waiting, behind 1 blocking session.""");
    }

    @Test
    void siblingsAndSeveralRootsAreDrawnWithBranches() {
        SessionInfo dave = session(4245, "dave", "", SessionState.ACTIVE, "LOCK TABLE orders IN SHARE MODE");
        SessionInfo erin = session(4300, "erin", "", SessionState.IDLE_IN_TRANSACTION, "");
        SessionInfo frank = session(4301, "frank", "", SessionState.ACTIVE, "UPDATE orders SET state = 'x'");
        WaitNode first = node(
                ALICE,
                null,
                chain().blocks().get(0),
                node(dave, table(dave, "public", "orders", "SHARE", Duration.ofMillis(500))));
        WaitNode second = node(erin, null, node(frank, null)); // frank waits for a row lock: no lock to show

        List<String> lines = WaitTreeView.lines(List.of(first, second), 0);

        assertThat(lines)
                .extracting(line -> line.replaceFirst("^(SESSION|.*?\\d+)  .*$", "$1"))
                .containsExactly(
                        "SESSION",
                        "4242",
                        "|-- 4243",
                        "|   `-- 4244",
                        "`-- 4245",
                        "4300",
                        "`-- 4301",
                        "4 waiting, behind 2 blocking sessions.");
        assertThat(lines.get(1)).contains("  holds, blocks 3  ");
        assertThat(lines.get(4)).containsPattern("  waits 500 ms for table public.orders SHARE +dave +- +LOCK TABLE");
        assertThat(lines.get(6))
                .containsPattern("  waits for a lock not listed \\(such as a row lock\\) +frank +- +UPDATE");
        assertThat(lines).last().isEqualTo("4 waiting, behind 2 blocking sessions.");
        int stateColumn = lines.get(0).indexOf("STATE");
        assertThat(lines.subList(1, lines.size() - 1))
                .allSatisfy(line -> assertThat(line.charAt(stateColumn - 1)).isEqualTo(' '))
                .allSatisfy(line -> assertThat(line.charAt(stateColumn)).isNotEqualTo(' '));
    }

    /**
     * alice and dave hold a shared lock, bob waits for both, carol waits behind bob: bob is drawn under each holder and
     * says so; carol only under his first appearance, counted once.
     */
    @Test
    void aSessionWithSeveralBlockersIsDrawnUnderEachOfThem() {
        SessionInfo dave = session(4250, "dave", "billing", SessionState.IDLE, "");
        WaitNode bob = new WaitNode(
                BOB,
                Optional.of(waitsFor(BOB, LockKey.of("a"), Duration.ofMillis(3_200))),
                Optional.of(Duration.ofMillis(3_200)),
                List.of(node(CAROL, waitsFor(CAROL, LockKey.of("a"), Duration.ofMillis(1_100)))),
                List.of(4242L, 4250L),
                1,
                false);
        WaitNode bobAgain = new WaitNode(BOB, bob.waitingFor(), bob.waited(), List.of(), bob.blockedBy(), 1, true);
        List<WaitNode> roots = List.of(
                new WaitNode(ALICE, Optional.empty(), Optional.empty(), List.of(bob), List.of(), 2, false),
                new WaitNode(dave, Optional.empty(), Optional.empty(), List.of(bobAgain), List.of(), 2, false));

        assertThat(String.join("\n", WaitTreeView.lines(roots, 0)))
                .isEqualTo(
                        """
                        SESSION       STATE                WAIT                                                                                  USER   APPLICATION  QUERY
                        4242          idle in transaction  holds, blocks 2                                                                       alice  billing      UPDATE accounts SET balance = 0
                        `-- 4243      active               waits 3.2 s for advisory "a" EXCLUSIVE, blocked by 4242, 4250                         bob    billing      SELECT pg_advisory_lock($1)
                            `-- 4244  active               waits 1.1 s for advisory "a" EXCLUSIVE                                                carol  reports      SELECT pg_advisory_lock($1)
                        4250          idle                 holds, blocks 2                                                                       dave   billing      -
                        `-- 4243      active               waits 3.2 s for advisory "a" EXCLUSIVE, blocked by 4242, 4250; blocks 1, shown above  bob    billing      SELECT pg_advisory_lock($1)
                        2 waiting, behind 2 blocking sessions.""");
    }

    @Test
    void theQueryIsCutToTheWidth() {
        List<String> lines = WaitTreeView.lines(List.of(chain()), 120);

        assertThat(lines.get(1)).endsWith("  UPDATE accounts SET ba...");
        assertThat(lines).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(120));
        // the wait is never cut; the query keeps at least 20 characters even if the line gets longer than asked
        assertThat(WaitTreeView.lines(List.of(chain()), 60).get(2))
                .contains("waits 3.2 s for advisory \"a\" EXCLUSIVE  ")
                .endsWith("  SELECT pg_advisor...");
    }

    @Test
    void nobodyWaitingIsOneLine() {
        assertThat(WaitTreeView.lines(List.of(), 120)).containsExactly("Nobody is waiting for a lock.");
    }
}
