package io.dblock;

import io.dblock.inspect.LockInfo;
import io.dblock.inspect.LockWait;
import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.WaitNode;
import io.dblock.spi.InspectionSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The waits of one {@link InspectionSnapshot}, as {@link io.dblock.inspect.LockInspector} shows them. */
final class WaitGraph {

    private static final TreeSet<Long> EMPTY = new TreeSet<>();

    private final InspectionSnapshot snapshot;
    /** Each waiting connection's first pending lock. */
    private final Map<Long, LockInfo> pending = new LinkedHashMap<>();
    /** Blocker to waiters, both in id order; a session waiting for itself is left out. */
    private final Map<Long, TreeSet<Long>> blocks = new TreeMap<>();
    /** Waiter to blockers. */
    private final Map<Long, TreeSet<Long>> blockedBy = new HashMap<>();

    WaitGraph(InspectionSnapshot snapshot) {
        this.snapshot = snapshot;
        for (LockInfo lock : snapshot.locks()) {
            if (!lock.granted()) {
                pending.putIfAbsent(lock.connectionId(), lock);
            }
        }
        for (InspectionSnapshot.Edge edge : snapshot.waits()) {
            if (edge.waiter() != edge.blocker()) {
                add(edge.blocker(), edge.waiter());
            }
        }
        holdersWaitingElsewhere();
    }

    private void add(long blocker, long waiter) {
        blocks.computeIfAbsent(blocker, b -> new TreeSet<>()).add(waiter);
        blockedBy.computeIfAbsent(waiter, w -> new TreeSet<>()).add(blocker);
    }

    /**
     * A multiplexed holder's wait runs on a session of its own, labelled with the sessions its holds are on ({@code /*
     * dblock-wait ... h=<session>:<key>,... * /}, see {@code CrossNodeDeadlocks}); the server sees no link between them.
     * Each such holding session that blocks others is placed under what the wait waits for, so the tree shows the whole
     * chain (a shared session is then shown waiting for what one of its holders waits for).
     */
    /** The waiting sessions whose wait is labelled, with the sessions its label lists holds on. */
    private Map<Long, List<Long>> labelledWaiters() {
        Map<Long, List<Long>> heldOn = new HashMap<>();
        for (Long waiter : List.copyOf(blockedBy.keySet())) {
            SessionInfo info = snapshot.sessions().get(waiter);
            List<Long> sessions =
                    info == null ? List.of() : labelledHolds(info.query().orElse(null));
            if (!sessions.isEmpty()) {
                heldOn.put(waiter, sessions);
            }
        }
        return heldOn;
    }

    private void holdersWaitingElsewhere() {
        labelledWaiters().forEach((waiter, sessions) -> {
            for (Long holding : sessions) {
                if (holding.longValue() != waiter && blocks.containsKey(holding)) {
                    for (Long blocker : List.copyOf(blockedBy.get(waiter))) {
                        if (blocker.longValue() != holding) {
                            add(blocker, holding);
                            if (pending.containsKey(waiter)) {
                                pending.putIfAbsent(holding, pending.get(waiter)); // what its holder waits for
                            }
                        }
                    }
                }
            }
        });
    }

    /** The sessions of the holds a wait's label lists, or none. */
    static List<Long> labelledHolds(String query) {
        String q = query == null ? "" : query.strip();
        int end = q.indexOf(" */");
        if (!q.startsWith("/* dblock-wait ") || end < 0) {
            return List.of();
        }
        List<Long> sessions = new ArrayList<>();
        for (String part : q.substring(0, end).split(" ")) {
            if (part.startsWith("h=")) {
                for (String hold : part.substring(2).replace("+", "").split(",")) {
                    int colon = hold.indexOf(':');
                    if (colon > 0) {
                        try {
                            sessions.add(Long.parseLong(hold.substring(0, colon)));
                        } catch (NumberFormatException e) {
                            // not a label dblock wrote
                        }
                    }
                }
            }
        }
        return sessions;
    }

    /** One {@link LockWait} per edge of the snapshot, in its order. */
    List<LockWait> waits() {
        List<LockWait> waits = new ArrayList<>();
        for (InspectionSnapshot.Edge edge : snapshot.waits()) {
            Optional<LockInfo> waitingFor = Optional.ofNullable(pending.get(edge.waiter()));
            waits.add(new LockWait(
                    session(edge.waiter()), session(edge.blocker()), waitingFor, waitingFor.flatMap(LockInfo::waited)));
        }
        return waits;
    }

    /**
     * The forest of {@link WaitNode}s over the wait-for graph:
     *
     * <ol>
     *   <li>Roots are the sessions that block others and wait for nobody; then, while some blocker is reached from no
     *       root (a cycle: a deadlock not broken yet), its lowest id becomes a root too.
     *   <li>Each session's count is the number of distinct sessions reachable from it (itself excluded), so a session
     *       waiting for several others counts once; roots are ordered by that count, highest first, then by id.
     *   <li>Depth-first from the roots in that order, a session is placed under each of its blockers. Its subtree is
     *       built at its first appearance only; later appearances are repeated leaves, which keeps the forest linear in
     *       the number of edges (a queue of n waiters each waiting for all earlier ones would otherwise have 2^n
     *       paths) and ends cycles.
     * </ol>
     */
    List<WaitNode> tree() {
        Map<Long, Integer> counts = new HashMap<>();
        for (Long id : blocks.keySet()) {
            counts.put(id, reach(id).size());
        }
        List<Long> roots = roots();
        roots.sort(Comparator.<Long>comparingInt(id -> counts.get(id))
                .reversed()
                .thenComparing(Comparator.naturalOrder()));
        Forest forest = new Forest(counts);
        List<WaitNode> trees = new ArrayList<>();
        for (Long root : roots) {
            trees.add(forest.node(root));
        }
        return trees;
    }

    /** The blockers that wait for nobody, then the lowest id of each cycle that none of them leads to. */
    private List<Long> roots() {
        List<Long> roots = new ArrayList<>();
        Set<Long> reached = new HashSet<>();
        for (Long blocker : blocks.keySet()) {
            if (!blockedBy.containsKey(blocker)) {
                roots.add(blocker);
                reached.addAll(reach(blocker));
            }
        }
        for (Long blocker : blocks.keySet()) {
            if (!reached.contains(blocker) && !roots.contains(blocker)) {
                roots.add(blocker); // the lowest id of a cycle that no root leads to
                reached.addAll(reach(blocker));
            }
        }
        return roots;
    }

    /** The distinct sessions reachable from {@code id}, without {@code id} itself; cycles end at a visited session. */
    private Set<Long> reach(long id) {
        Set<Long> seen = new HashSet<>();
        Deque<Long> todo = new ArrayDeque<>(blocks.getOrDefault(id, EMPTY));
        while (!todo.isEmpty()) {
            Long next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(blocks.getOrDefault(next, EMPTY));
            }
        }
        seen.remove(id);
        return seen;
    }

    /** Builds the nodes depth-first, remembering which sessions have appeared. */
    private final class Forest {
        private final Map<Long, Integer> counts;
        private final Set<Long> appeared = new HashSet<>();

        Forest(Map<Long, Integer> counts) {
            this.counts = counts;
        }

        WaitNode node(long id) {
            boolean repeated = !appeared.add(id);
            List<WaitNode> children = new ArrayList<>();
            if (!repeated) {
                for (Long waiter : blocks.getOrDefault(id, EMPTY)) {
                    children.add(node(waiter));
                }
            }
            Optional<LockInfo> waitingFor = Optional.ofNullable(pending.get(id));
            return new WaitNode(
                    session(id),
                    waitingFor,
                    waitingFor.flatMap(LockInfo::waited),
                    children,
                    List.copyOf(blockedBy.getOrDefault(id, EMPTY)),
                    counts.getOrDefault(id, 0),
                    repeated);
        }
    }

    /** The snapshot's description of the session, else the one a lock of it carries, else an unknown session. */
    private SessionInfo session(long id) {
        SessionInfo known = snapshot.sessions().get(id);
        if (known != null) {
            return known;
        }
        Map<Long, SessionInfo> fromLocks = new HashMap<>();
        for (LockInfo lock : snapshot.locks()) {
            fromLocks.putIfAbsent(lock.connectionId(), lock.session());
        }
        return fromLocks.getOrDefault(id, SessionInfo.unknown(id));
    }
}
