package io.dblock.inspect;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A session in the blocking tree of {@link LockInspector#waitTree()}: the sessions it blocks are its children. A root
 * blocks others and waits for nobody (the session to look at first); in a deadlock that the server has not broken yet,
 * members of the cycle appear once, under the first of them reached.
 *
 * @param session the session
 * @param waitingFor the lock it waits for, when it waits for a table or advisory lock
 * @param waited how long it has waited, when it waits
 * @param blocks the sessions waiting for this one, ordered by connection id
 */
public record WaitNode(
        SessionInfo session, Optional<LockInfo> waitingFor, Optional<Duration> waited, List<WaitNode> blocks) {

    /** Checks that no component is null and copies {@code blocks}. */
    public WaitNode {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(waitingFor, "waitingFor");
        Objects.requireNonNull(waited, "waited");
        blocks = List.copyOf(blocks);
    }

    /** Number of sessions below this one, at any depth. */
    public int blockedCount() {
        int n = 0;
        for (WaitNode child : blocks) {
            n += 1 + child.blockedCount();
        }
        return n;
    }

    /** Levels in this subtree: 1 for a session blocking nobody. */
    public int depth() {
        int deepest = 0;
        for (WaitNode child : blocks) {
            deepest = Math.max(deepest, child.depth());
        }
        return deepest + 1;
    }
}
