package io.dblock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The wait-for graph of holders that {@link CrossNodeDeadlocks} builds: its labels, its cycles and a cycle's victim.
 * Owners are {@code <node>.<thread>} strings; an edge leads from a waiting owner to an owner holding what it waits for.
 */
final class HolderWaits {

    private HolderWaits() {}

    /** What a label says: who waits, since when (epoch ms), and what it holds ({@code <session>:<key token>}). */
    record Parsed(String owner, long since, List<String> holds) {}

    /** Parses {@code dblock-wait o=<owner> t=<millis> h=<hold>,...}; null if it is not such a label. */
    static Parsed parse(String label) {
        String[] parts = label.split(" ");
        if (parts.length < 4 || !parts[0].equals("dblock-wait")) {
            return null;
        }
        try {
            String holds = parts[3].substring(2).replace("+", "");
            return new Parsed(
                    parts[1].substring(2),
                    Long.parseLong(parts[2].substring(2)),
                    holds.isEmpty() ? List.of() : List.of(holds.split(",")));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A path of owners from {@code start} back to it, or null. */
    static List<String> cycle(String start, Map<String, Set<String>> edges) {
        Map<String, String> parent = new HashMap<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String at = todo.pop();
            for (String next : edges.getOrDefault(at, Set.of())) {
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>();
                    for (String o = at; o != null; o = parent.get(o)) {
                        path.add(0, o);
                    }
                    return path;
                }
                if (!parent.containsKey(next) && !next.equals(start)) {
                    parent.put(next, at);
                    todo.push(next);
                }
            }
        }
        return null;
    }

    /**
     * The cycle's victim among its server waiters: the one that began to wait last, then the greatest owner; for a
     * cycle through this node's local waits ({@code localEdges}, which only this node sees), among {@code ours} only.
     *
     * @return the victim's owner, or null if the cycle has no eligible server waiter
     */
    static String victim(
            List<String> cycle, Map<String, Long> serverWaiters, Set<String> localEdges, Set<String> ours) {
        boolean throughLocal = false;
        for (int i = 0; i < cycle.size(); i++) {
            throughLocal |= localEdges.contains(cycle.get(i) + ">" + cycle.get((i + 1) % cycle.size()));
        }
        String victim = null;
        for (String owner : cycle) {
            Long since = serverWaiters.get(owner);
            boolean eligible = since != null && (!throughLocal || ours.contains(owner));
            if (eligible
                    && (victim == null
                            || since > serverWaiters.get(victim)
                            || (since.equals(serverWaiters.get(victim)) && owner.compareTo(victim) > 0))) {
                victim = owner;
            }
        }
        return victim;
    }
}
