package io.dblock.mysql;

import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import io.dblock.spi.InspectionSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who waits for whom, from {@code performance_schema.metadata_locks}: a pending request waits for the sessions holding
 * a conflicting lock on the same object ({@link MetadataLockTypes#conflicts}), or else for a conflicting request queued
 * before it.
 */
final class MetadataLockGraph {

    /** A lock as the inspector shows it, with the object it is on and its metadata-lock type. */
    record MetadataLock(String object, String lockType, LockInfo info) {}

    private MetadataLockGraph() {}

    /** Every lock, and the wait-for edges between their sessions (sorted), with the sessions on an edge. */
    static InspectionSnapshot snapshot(Instant at, List<MetadataLock> parsed) {
        List<LockInfo> locks = new ArrayList<>();
        parsed.forEach(lock -> locks.add(lock.info));
        List<InspectionSnapshot.Edge> edges = new ArrayList<>();
        Map<Long, SessionInfo> sessions = new HashMap<>();
        addHolderEdges(parsed, edges, sessions);
        addQueueEdges(parsed, edges, sessions);
        edges.sort((a, b) -> a.waiter() != b.waiter()
                ? Long.compare(a.waiter(), b.waiter())
                : Long.compare(a.blocker(), b.blocker()));
        return new InspectionSnapshot(at, locks, edges, sessions);
    }

    /** Edges from each pending request to the sessions holding a conflicting lock on the same object. */
    private static void addHolderEdges(
            List<MetadataLock> parsed, List<InspectionSnapshot.Edge> edges, Map<Long, SessionInfo> sessions) {
        for (MetadataLock waiting : parsed) {
            if (waiting.info.granted()) {
                continue;
            }
            for (MetadataLock holder : parsed) {
                if (holder.info.granted()
                        && holder.object.equals(waiting.object)
                        && holder.info.connectionId() != waiting.info.connectionId()
                        && MetadataLockTypes.conflicts(waiting.lockType, holder.lockType)) {
                    addEdge(edges, sessions, waiting, holder);
                }
            }
        }
    }

    /**
     * Queue order: a pending request that no granted lock conflicts with waits behind a conflicting request queued
     * before it (MDL serves a pending stronger request first: a SELECT behind a pending LOCK TABLES ... WRITE).
     */
    private static void addQueueEdges(
            List<MetadataLock> parsed, List<InspectionSnapshot.Edge> edges, Map<Long, SessionInfo> sessions) {
        for (MetadataLock waiting : parsed) {
            long waiter = waiting.info.connectionId();
            if (waiting.info.granted() || edges.stream().anyMatch(e -> e.waiter() == waiter)) {
                continue;
            }
            for (MetadataLock queued : parsed) {
                if (!queued.info.granted()
                        && queued.object.equals(waiting.object)
                        && queued.info.connectionId() != waiter
                        && MetadataLockTypes.conflicts(waiting.lockType, queued.lockType)) {
                    addEdge(edges, sessions, waiting, queued);
                }
            }
        }
    }

    /** Adds the edge from {@code waiting}'s session to {@code blocker}'s, once, with both sessions. */
    private static void addEdge(
            List<InspectionSnapshot.Edge> edges,
            Map<Long, SessionInfo> sessions,
            MetadataLock waiting,
            MetadataLock blocker) {
        long waiter = waiting.info.connectionId();
        long blocking = blocker.info.connectionId();
        if (edges.stream().noneMatch(e -> e.waiter() == waiter && e.blocker() == blocking)) {
            edges.add(new InspectionSnapshot.Edge(waiter, blocking));
            sessions.put(waiter, waiting.info.session());
            sessions.put(blocking, blocker.info.session());
        }
    }
}
