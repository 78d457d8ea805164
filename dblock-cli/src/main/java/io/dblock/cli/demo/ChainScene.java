package io.dblock.cli.demo;

import io.dblock.LockHandle;
import io.dblock.cli.render.WaitTreeView;
import io.dblock.inspect.LockInspector;
import io.dblock.inspect.SessionState;
import io.dblock.inspect.WaitNode;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Scene three, a chain of waits, shown the way {@code dblock waits} shows it: alice holds {@code "ledger"}; bob holds
 * {@code "payouts"} and waits for {@code "ledger"}; carol waits for {@code "payouts"}. With both waits visible in
 * {@code pg_locks}, the scene prints the inspector's blocking tree (alice, bob below her, carol below him); then alice
 * releases and the chain unwinds: bob proceeds and releases both keys, then carol proceeds.
 */
final class ChainScene {

    private static final String FIRST = "\"ledger\"";
    private static final String SECOND = "\"payouts\"";
    private static final String INDENT = "  ";
    private static final long POLL_MILLIS = 10;

    private final Cast cast;
    private final LockInspector inspector;
    private final int width;

    /**
     * @param cast the workers, timeline and probe
     * @param inspector the inspector that reads the tree, on a session of its own
     * @param width the line width for the tree
     */
    ChainScene(Cast cast, LockInspector inspector, int width) {
        this.cast = cast;
        this.inspector = inspector;
        this.width = width;
    }

    void play() throws Exception {
        cast.timeline().note("A chain of waits (what `dblock waits` is for)");
        LockHandle aliceHold = cast.alice().run(this::aliceHolds);
        try {
            Future<Void> bobWaits = cast.bob().start(this::bobHoldsAndWaits);
            cast.probe().awaitWaiting(cast.bob());
            Future<Void> carolWaits = cast.carol().start(this::carolWaits);
            cast.probe().awaitWaiting(cast.carol());
            printTree();
            cast.alice().run(() -> aliceReleases(aliceHold));
            cast.bob().finish(bobWaits);
            cast.carol().finish(carolWaits);
        } finally {
            if (aliceHold.isHeld()) {
                // The scene broke off; a handle may only be released by the thread that acquired it.
                cast.alice().run(() -> {
                    aliceHold.close();
                    return null;
                });
            }
        }
    }

    private LockHandle aliceHolds() {
        LockHandle hold = cast.alice()
                .locks()
                .advisory("ledger")
                .timeout(Worker.STEP_LIMIT)
                .acquire();
        cast.log(cast.alice(), "holds " + FIRST + " on backend pid " + hold.connectionId());
        return hold;
    }

    /** Bob's locks nest on his one pinned session: he keeps "payouts" while he waits for "ledger". */
    private Void bobHoldsAndWaits() {
        Worker bob = cast.bob();
        try (LockHandle payouts =
                bob.locks().advisory("payouts").timeout(Worker.STEP_LIMIT).acquire()) {
            cast.log(
                    bob,
                    "holds " + SECOND + " on backend pid " + payouts.connectionId() + ", waits for " + FIRST + "...");
            try (LockHandle ledger =
                    bob.locks().advisory("ledger").timeout(Worker.STEP_LIMIT).acquire()) {
                cast.log(bob, "got " + FIRST + " after " + ledger.waited().toMillis() + " ms, releases both");
            }
        }
        return null;
    }

    private Void carolWaits() {
        Worker carol = cast.carol();
        cast.log(carol, "waits for " + SECOND + "...");
        try (LockHandle payouts =
                carol.locks().advisory("payouts").timeout(Worker.STEP_LIMIT).acquire()) {
            cast.log(
                    carol,
                    "got " + SECOND + " after " + payouts.waited().toMillis() + " ms on backend pid "
                            + payouts.connectionId() + ", releases it");
        }
        return null;
    }

    private void printTree() throws InterruptedException {
        List<WaitNode> tree = awaitChain();
        cast.timeline().note("");
        cast.timeline().note("Who blocks whom, as `dblock waits` shows it:");
        for (String line : WaitTreeView.lines(tree, width > 0 ? width - INDENT.length() : width)) {
            cast.timeline().note(INDENT + line);
        }
        cast.timeline().note("");
    }

    /**
     * Polls the inspector until its tree shows the whole chain, with alice's session labelled as a dblock holder.
     * {@code pg_locks} showing carol's request is not quite enough: {@code pg_stat_activity} reports her wait a moment
     * later, and the tree is built from both. The label comes from alice's keepalive, within 250 ms of her lock, and
     * the snapshot is taken between two of its pings, with her session idle, as an application's holder mostly is.
     */
    private List<WaitNode> awaitChain() throws InterruptedException {
        long deadline = System.nanoTime() + Worker.STEP_LIMIT.toNanos();
        while (true) {
            List<WaitNode> tree = inspector.waitTree();
            if (tree.stream()
                    .anyMatch(root -> root.depth() == 3
                            && root.session().isDblockHolder()
                            && root.session().state() == SessionState.IDLE)) {
                return tree;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("the inspector did not show the chain within "
                        + Worker.STEP_LIMIT.toSeconds() + " s; it shows " + tree);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private Void aliceReleases(LockHandle hold) {
        // Logged before the release: once it is released, bob may print his line at any moment.
        cast.log(cast.alice(), "releases " + FIRST + "; the chain unwinds");
        hold.release();
        return null;
    }
}
