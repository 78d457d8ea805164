package io.dblock;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The threads waiting in one {@link LocalLocks}: each one's wait for a key, which of them to signal when a key's
 * holders change, and the wait-for graph with its cycle search. Guarded by the lock of its {@code LocalLocks}, which
 * it is given to make the waiters' conditions.
 *
 * <p>How waiting works, so that a thread count in the thousands costs no more per release than a few:
 *
 * <ol>
 *   <li>Each waiting thread waits on a condition of its own, queued (in arrival order) on the key it waits for.
 *   <li>When a key's holders change so that a waiter may proceed (a hold removed, or confirmed by the server, which
 *       lets shared requests in), the first waiter of that key the holders no longer block is signalled; nobody else
 *       is. A signalled waiter that leaves without its claim (timed out, interrupted, blocked again by a thread that
 *       came in first) passes the signal on. Other keys' waiters are never woken.
 *   <li>A thread searches the wait-for graph when it starts waiting, and again only when it wakes to find the set of
 *       threads blocking it changed. That is enough: an edge that closes a cycle is added by a thread that starts
 *       waiting (a thread that becomes a holder is running, not waiting, so it closes a cycle only when it waits
 *       next), and the search it runs then sees the whole cycle.
 * </ol>
 */
final class LocalWaits {

    private final ReentrantLock lock;
    /** Each key's state, or null for a key nobody holds or waits for. */
    private final Function<LockKey, LocalKey> keys;

    private final Map<Thread, LocalKey.Waiter> waiting = new HashMap<>();

    /** Wait-for graph searches run (tests bound them). */
    private long cycleSearches;

    /** Waiting threads signalled so far (tests bound it). */
    private long signals;

    LocalWaits(ReentrantLock lock, Function<LockKey, LocalKey> keys) {
        this.lock = lock;
        this.keys = keys;
    }

    /**
     * Waits until nothing blocks {@code me} on {@code key}, queued on its {@code entry}; leaves the queue (with any
     * signal it took) however the wait ends.
     *
     * @return false if the deadline came first
     * @throws LocalLocks.LocalDeadlock if waiting would close a cycle of local waits
     */
    boolean awaitNoConflict(LockKey key, LocalKey entry, AdvisoryLockMode mode, Thread me, long deadlineNanos)
            throws InterruptedException, LocalLocks.LocalDeadlock {
        Set<Thread> blockers = entry.blockers(mode, me);
        LocalKey.Waiter waiter = null;
        try {
            for (Set<Thread> searched = null; !blockers.isEmpty(); blockers = entry.blockers(mode, me)) {
                searched = searchIfChanged(key, blockers, searched, me);
                long remaining = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                waiter = waiter == null ? join(entry, key, mode, me) : passOnUnusedSignal(entry, waiter);
                await(waiter, remaining);
            }
            return true;
        } finally {
            leave(entry, waiter);
        }
    }

    /**
     * Searches the wait-for graph for a cycle unless {@code blockers} are the ones searched last time.
     *
     * @return the blockers now searched
     */
    private Set<Thread> searchIfChanged(LockKey key, Set<Thread> blockers, Set<Thread> searched, Thread me)
            throws LocalLocks.LocalDeadlock {
        if (!blockers.equals(searched)) {
            String cycle = findCycle(key, blockers, me);
            if (cycle != null) {
                throw new LocalLocks.LocalDeadlock(cycle);
            }
        }
        return blockers;
    }

    /** Queues {@code me} on the key and adds its edge to the wait-for graph. */
    private LocalKey.Waiter join(LocalKey entry, LockKey key, AdvisoryLockMode mode, Thread me) {
        LocalKey.Waiter waiter = new LocalKey.Waiter(me, key, mode, lock.newCondition());
        entry.waiters.add(waiter);
        waiting.put(me, waiter);
        return waiter;
    }

    /** A waiter woken for nothing (a thread that was not waiting came in first) keeps its place, passes the signal on. */
    private LocalKey.Waiter passOnUnusedSignal(LocalKey entry, LocalKey.Waiter waiter) {
        if (entry.signalled == waiter) {
            entry.signalled = null;
            wake(entry);
        }
        return waiter;
    }

    /** Waits for the waiter's signal, at most {@code remaining} ns unless that is {@code Long.MAX_VALUE}. */
    private static void await(LocalKey.Waiter waiter, long remaining) throws InterruptedException {
        if (remaining == Long.MAX_VALUE) {
            waiter.wake.await();
        } else {
            waiter.wake.awaitNanos(remaining);
        }
    }

    /** Takes a waiter (if it has joined) off its key's queue and the wait-for graph, with any signal it took. */
    private void leave(LocalKey entry, LocalKey.Waiter waiter) {
        if (waiter == null) {
            return;
        }
        entry.waiters.remove(waiter);
        waiting.remove(waiter.thread);
        if (entry.signalled == waiter) {
            entry.signalled = null;
        }
    }

    /** Signals the first waiter of the entry's key that nothing blocks any more (see {@link LocalKey#nextToWake}). */
    void wake(LocalKey entry) {
        LocalKey.Waiter w = entry.nextToWake(waiting::get);
        if (w != null) {
            entry.signalled = w;
            w.wake.signal();
            signals++;
        }
    }

    /** Each waiting thread and the threads whose holds block it now. */
    Map<Thread, Set<Thread>> waitsFor() {
        Map<Thread, Set<Thread>> edges = new HashMap<>();
        waiting.forEach((thread, w) -> {
            LocalKey e = keys.apply(w.key);
            if (e != null) {
                edges.put(thread, e.blockers(w.mode, thread));
            }
        });
        return edges;
    }

    int size() {
        return waiting.size();
    }

    long signals() {
        return signals;
    }

    long cycleSearches() {
        return cycleSearches;
    }

    /**
     * Describes the cycle if {@code me} waiting for {@code key}, blocked by {@code blockers}, would close one back to
     * {@code me}; null otherwise.
     */
    String findCycle(LockKey key, Set<Thread> blockers, Thread me) {
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
