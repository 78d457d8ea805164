package io.dblock.inspect;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A session in the blocking trees of {@link LockInspector#waitTree()}: the sessions it blocks are its children. A root
 * blocks others and waits for nobody (the session to look at first).
 *
 * <p><b>Several blockers.</b> A session that waits for several sessions (two holders of a shared lock, or a holder and
 * an earlier waiter in PostgreSQL's queue) appears under <em>each</em> of them, and every appearance lists all of them
 * in {@link #blockedBy()}: ending one of its blockers does not free it. Its own subtree (the sessions it blocks in turn)
 * is given once, at its first appearance in depth-first order of the roots; its later appearances are {@link
 * #repeated()}, with {@link #blocks()} empty and {@link #blockedCount()} still counting what it blocks. The forest thus
 * stays as large as the wait-for graph (one node per edge, plus the roots), even for a long queue where every waiter
 * waits for all earlier ones. In a deadlock that the server has not broken yet, the cycle is entered at its lowest
 * connection id, which becomes a root although it waits; the edge that closes the cycle shows as a repeated node.
 *
 * <p>Immutable and thread-safe.
 *
 * @param session the session
 * @param waitingFor the lock it waits for, when it waits for a table or advisory lock
 * @param waited how long it has waited, when it waits
 * @param blocks the sessions waiting for this one, ordered by connection id; empty when {@link #repeated()}
 * @param blockedBy the connection ids of every session it waits for, ascending; empty for a session that waits for
 *     nobody
 * @param blockedCount how many distinct sessions wait for this one, directly or behind others: a session reachable
 *     along several paths counts once, and this session itself never counts (not even in a cycle)
 * @param repeated true when the session appeared earlier in the forest, where its subtree is given
 */
public record WaitNode(
        SessionInfo session,
        Optional<LockInfo> waitingFor,
        Optional<Duration> waited,
        List<WaitNode> blocks,
        List<Long> blockedBy,
        int blockedCount,
        boolean repeated) {

    /** Checks that no component is null, that counts are not negative and that a repeated node has no children. */
    public WaitNode {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(waitingFor, "waitingFor");
        Objects.requireNonNull(waited, "waited");
        blocks = List.copyOf(blocks);
        blockedBy = List.copyOf(blockedBy);
        if (blockedCount < 0) {
            throw new IllegalArgumentException("blockedCount must not be negative: " + blockedCount);
        }
        if (repeated && !blocks.isEmpty()) {
            throw new IllegalArgumentException(
                    "a repeated node lists no children: they are under its first appearance");
        }
    }

    /**
     * A node whose subtree is complete: {@link #blockedCount()} is the number of distinct sessions in {@code blocks},
     * at any depth, other than this one; {@link #blockedBy()} is empty and the node is not repeated.
     *
     * @param session the session
     * @param waitingFor the lock it waits for
     * @param waited how long it has waited
     * @param blocks the sessions waiting for it
     */
    public WaitNode(
            SessionInfo session, Optional<LockInfo> waitingFor, Optional<Duration> waited, List<WaitNode> blocks) {
        this(session, waitingFor, waited, blocks, List.of(), distinctBelow(session, blocks), false);
    }

    /** Levels drawn in this subtree: 1 for a session blocking nobody, and for a {@link #repeated()} one. */
    public int depth() {
        int deepest = 0;
        for (WaitNode child : blocks) {
            deepest = Math.max(deepest, child.depth());
        }
        return deepest + 1;
    }

    private static int distinctBelow(SessionInfo session, List<WaitNode> blocks) {
        Set<Long> seen = new HashSet<>();
        Deque<WaitNode> todo = new ArrayDeque<>(blocks);
        while (!todo.isEmpty()) {
            WaitNode node = todo.pop();
            seen.add(node.session().connectionId());
            todo.addAll(node.blocks());
        }
        seen.remove(session.connectionId());
        return seen.size();
    }
}
