package io.dblock;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The wait-for graph of one {@link LocalLocks}: which key each waiting thread waits for, and the search for a cycle of
 * local waits (who holds what a thread needs, and what those threads are themselves waiting for here) that a thread
 * runs before it waits. Guarded by the lock of its {@code LocalLocks}.
 */
final class LocalWaits {

    private final Map<Thread, LocalKey.Waiter> waiting = new HashMap<>();

    /** Wait-for graph searches run (tests bound them). */
    private long cycleSearches;

    void add(LocalKey.Waiter waiter) {
        waiting.put(waiter.thread, waiter);
    }

    void remove(Thread thread) {
        waiting.remove(thread);
    }

    /** What {@code thread} waits for here, or null. */
    LocalKey.Waiter of(Thread thread) {
        return waiting.get(thread);
    }

    int size() {
        return waiting.size();
    }

    long cycleSearches() {
        return cycleSearches;
    }

    /**
     * Describes the cycle if {@code me} waiting for {@code key}, blocked by {@code blockers}, would close one back to
     * {@code me}; null otherwise.
     *
     * @param keys each key's state, or null for a key nobody holds or waits for
     */
    String findCycle(LockKey key, Set<Thread> blockers, Thread me, Function<LockKey, LocalKey> keys) {
        cycleSearches++;
        Deque<Thread> todo = new ArrayDeque<>(blockers);
        Set<Thread> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Thread t = todo.pop();
            if (t == me) {
                return "thread '" + me.getName() + "' would wait for key " + key
                        + " while holding a key that threads waiting for it need (local wait-for cycle)";
            }
            LocalKey.Waiter w = waiting.get(t);
            if (seen.add(t) && w != null) {
                LocalKey e = keys.apply(w.key);
                if (e != null) {
                    todo.addAll(e.blockers(w.mode, t));
                }
            }
        }
        return null;
    }
}
