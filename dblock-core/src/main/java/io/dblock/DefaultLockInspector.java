package io.dblock;

import io.dblock.inspect.LockFilter;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.LockInspector;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** {@link LockInspector} over the engine's {@link InspectionSnapshot}. */
final class DefaultLockInspector implements LockInspector {

    private final LockContext context;

    /** An inspector for the locks of {@code context}'s server. */
    public DefaultLockInspector(LockContext context) {
        this.context = context;
    }

    @Override
    public List<LockInfo> locks() {
        return snapshot().locks();
    }

    @Override
    public List<LockInfo> locks(LockFilter filter) {
        Objects.requireNonNull(filter, "filter must not be null");
        return snapshot().locks().stream().filter(filter).toList();
    }

    @Override
    public List<LockWait> waits() {
        return waits(snapshot());
    }

    @Override
    public List<WaitNode> waitTree() {
        return tree(snapshot());
    }

    @Override
    public boolean cancel(long connectionId) {
        return context.withConnection(
                c -> Facets.require(context.engine, io.dblock.spi.SessionControl.class, null)
                        .cancel(c, connectionId),
                "cancelling session " + connectionId);
    }

    @Override
    public boolean terminate(long connectionId) {
        return context.withConnection(
                c -> Facets.require(context.engine, io.dblock.spi.SessionControl.class, null)
                        .terminate(c, connectionId),
                "terminating session " + connectionId);
    }

    InspectionSnapshot snapshot() {
        io.dblock.spi.Inspection inspection = Facets.require(context.engine, io.dblock.spi.Inspection.class, null);
        return context.withConnection(inspection::inspect, "inspecting locks");
    }

    static List<LockWait> waits(InspectionSnapshot snapshot) {
        Map<Long, LockInfo> pending = pendingByConnection(snapshot);
        List<LockWait> waits = new ArrayList<>();
        for (InspectionSnapshot.Edge edge : snapshot.waits()) {
            Optional<LockInfo> waitingFor = Optional.ofNullable(pending.get(edge.waiter()));
            waits.add(new LockWait(
                    session(snapshot, edge.waiter()),
                    session(snapshot, edge.blocker()),
                    waitingFor,
                    waitingFor.flatMap(LockInfo::waited)));
        }
        return waits;
    }

    /**
     * The forest of {@link WaitNode}s over the snapshot's wait-for graph:
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
    static List<WaitNode> tree(InspectionSnapshot snapshot) {
        Map<Long, TreeSet<Long>> blocks = new TreeMap<>(); // blocker -> waiters
        Map<Long, TreeSet<Long>> blockedBy = new HashMap<>(); // waiter -> blockers
        for (InspectionSnapshot.Edge edge : snapshot.waits()) {
            if (edge.waiter() != edge.blocker()) {
                blocks.computeIfAbsent(edge.blocker(), b -> new TreeSet<>()).add(edge.waiter());
                blockedBy.computeIfAbsent(edge.waiter(), w -> new TreeSet<>()).add(edge.blocker());
            }
        }
        List<Long> roots = new ArrayList<>();
        Set<Long> reached = new HashSet<>();
        for (Long blocker : blocks.keySet()) {
            if (!blockedBy.containsKey(blocker)) {
                roots.add(blocker);
                reached.addAll(reach(blocker, blocks));
            }
        }
        for (Long blocker : blocks.keySet()) {
            if (!reached.contains(blocker) && !roots.contains(blocker)) {
                roots.add(blocker); // the lowest id of a cycle that no root leads to
                reached.addAll(reach(blocker, blocks));
            }
        }
        Map<Long, Integer> counts = new HashMap<>();
        for (Long id : blocks.keySet()) {
            counts.put(id, reach(id, blocks).size());
        }
        roots.sort(Comparator.<Long>comparingInt(id -> counts.get(id))
                .reversed()
                .thenComparing(Comparator.naturalOrder()));
        Forest forest = new Forest(snapshot, blocks, blockedBy, counts);
        List<WaitNode> trees = new ArrayList<>();
        for (Long root : roots) {
            trees.add(forest.node(root));
        }
        return trees;
    }

    /** The distinct sessions reachable from {@code id}, without {@code id} itself; cycles end at a visited session. */
    private static Set<Long> reach(long id, Map<Long, TreeSet<Long>> blocks) {
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

    private static final TreeSet<Long> EMPTY = new TreeSet<>();

    /** Builds the nodes depth-first, remembering which sessions have appeared. */
    private static final class Forest {
        private final InspectionSnapshot snapshot;
        private final Map<Long, TreeSet<Long>> blocks;
        private final Map<Long, TreeSet<Long>> blockedBy;
        private final Map<Long, Integer> counts;
        private final Map<Long, LockInfo> pending;
        private final Set<Long> appeared = new HashSet<>();

        Forest(
                InspectionSnapshot snapshot,
                Map<Long, TreeSet<Long>> blocks,
                Map<Long, TreeSet<Long>> blockedBy,
                Map<Long, Integer> counts) {
            this.snapshot = snapshot;
            this.blocks = blocks;
            this.blockedBy = blockedBy;
            this.counts = counts;
            this.pending = pendingByConnection(snapshot);
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
                    session(snapshot, id),
                    waitingFor,
                    waitingFor.flatMap(LockInfo::waited),
                    children,
                    List.copyOf(blockedBy.getOrDefault(id, EMPTY)),
                    counts.getOrDefault(id, 0),
                    repeated);
        }
    }

    private static Map<Long, LockInfo> pendingByConnection(InspectionSnapshot snapshot) {
        Map<Long, LockInfo> pending = new LinkedHashMap<>();
        for (LockInfo lock : snapshot.locks()) {
            if (!lock.granted()) {
                pending.putIfAbsent(lock.connectionId(), lock);
            }
        }
        return pending;
    }

    private static SessionInfo session(InspectionSnapshot snapshot, long id) {
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
