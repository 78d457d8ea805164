package io.dblock.internal;

import io.dblock.inspect.LockFilter;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.LockInspector;
import io.dblock.inspect.LockWait;
import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.WaitNode;
import io.dblock.spi.InspectionSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
public final class DefaultLockInspector implements LockInspector {

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
                c -> context.engine.cancel(c, connectionId), "cancelling session " + connectionId);
    }

    @Override
    public boolean terminate(long connectionId) {
        return context.withConnection(
                c -> context.engine.terminate(c, connectionId), "terminating session " + connectionId);
    }

    InspectionSnapshot snapshot() {
        return context.withConnection(context.engine::inspect, "inspecting locks");
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

    static List<WaitNode> tree(InspectionSnapshot snapshot) {
        Map<Long, TreeSet<Long>> blockedBy = new TreeMap<>(); // blocker -> waiters
        Set<Long> waiting = new HashSet<>();
        for (InspectionSnapshot.Edge edge : snapshot.waits()) {
            blockedBy.computeIfAbsent(edge.blocker(), b -> new TreeSet<>()).add(edge.waiter());
            waiting.add(edge.waiter());
        }
        Map<Long, LockInfo> pending = pendingByConnection(snapshot);
        Set<Long> placed = new HashSet<>();
        List<WaitNode> roots = new ArrayList<>();
        for (Long blocker : blockedBy.keySet()) {
            if (!waiting.contains(blocker)) {
                roots.add(node(blocker, blockedBy, pending, snapshot, placed));
            }
        }
        // Sessions that wait in a cycle (a deadlock the server has not broken yet) have no root: start at the lowest
        // id.
        for (Long blocker : blockedBy.keySet()) {
            if (!placed.contains(blocker)) {
                roots.add(node(blocker, blockedBy, pending, snapshot, placed));
            }
        }
        roots.sort(Comparator.comparingInt(WaitNode::blockedCount).reversed().thenComparingLong(n -> n.session()
                .connectionId()));
        return roots;
    }

    private static WaitNode node(
            long id,
            Map<Long, TreeSet<Long>> blockedBy,
            Map<Long, LockInfo> pending,
            InspectionSnapshot snapshot,
            Set<Long> placed) {
        placed.add(id);
        List<WaitNode> children = new ArrayList<>();
        for (Long waiter : blockedBy.getOrDefault(id, new TreeSet<>())) {
            if (placed.add(waiter)) {
                placed.remove(waiter);
                children.add(node(waiter, blockedBy, pending, snapshot, placed));
            }
        }
        Optional<LockInfo> waitingFor = Optional.ofNullable(pending.get(id));
        Optional<Duration> waited = waitingFor.flatMap(LockInfo::waited);
        return new WaitNode(session(snapshot, id), waitingFor, waited, children);
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
