package io.dblock.spi;

import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an engine read from the server for {@link io.dblock.inspect.LockInspector}: one moment's locks, wait-for edges
 * and the sessions involved.
 *
 * @param at the server's clock when the snapshot was taken
 * @param locks table and advisory locks, granted and waiting
 * @param waits (waiter, blocker) pairs, including waits for locks not in {@code locks} (row locks)
 * @param sessions every session that appears in {@code waits}, by connection id
 */
public record InspectionSnapshot(Instant at, List<LockInfo> locks, List<Edge> waits, Map<Long, SessionInfo> sessions) {

    /** Copies the lists and map; no component may be null. */
    public InspectionSnapshot {
        Objects.requireNonNull(at, "at");
        locks = List.copyOf(locks);
        waits = List.copyOf(waits);
        sessions = Map.copyOf(sessions);
    }

    /** The connection ids that {@code waiter} waits for in this snapshot, in ascending order. */
    public java.util.SortedSet<Long> blockersOf(long waiter) {
        java.util.SortedSet<Long> blockers = new java.util.TreeSet<>();
        for (Edge edge : waits) {
            if (edge.waiter() == waiter) {
                blockers.add(edge.blocker());
            }
        }
        return blockers;
    }

    /** One wait-for edge between two connection ids. */
    public record Edge(long waiter, long blocker) {}
}
