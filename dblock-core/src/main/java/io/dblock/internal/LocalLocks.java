package io.dblock.internal;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The session locks the threads of one {@code DbLocks} hold or are acquiring, kept in memory.
 *
 * <p>It gives three things:
 *
 * <ol>
 *   <li><b>Re-entrancy</b>: a thread that holds a key in a mode and asks for it again only raises a hold count.
 *   <li><b>Local queueing</b>: a thread whose request conflicts with another thread's hold, or finds another thread
 *       already waiting on the server for the key, waits here instead of taking a second connection to wait on the
 *       server. So one key never has more than one waiting connection per {@code DbLocks}.
 *   <li><b>Deadlock detection</b>: before waiting, a thread follows the wait-for graph (who holds what it needs, and
 *       what those threads are themselves waiting for here); if the graph leads back to it, it gives up as the server
 *       would, since the server cannot see waits that happen in this process.
 * </ol>
 *
 * How waiting works, so that a thread count in the thousands costs no more per release than a few:
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
 *
 * One lock guards all state; it is held only for bookkeeping, never across SQL.
 */
final class LocalLocks {

    /** A thread's stake in one key and mode. */
    static final class Holder {
        final Thread thread;
        final AdvisoryLockMode mode;
        int count;
        /** Claimed locally and being acquired on the server (or released from it): blocks other local threads. */
        boolean pending = true;

        Holder(Thread thread, AdvisoryLockMode mode) {
            this.thread = thread;
            this.mode = mode;
        }
    }

    /** What one request claimed: holds it re-entered, and holds to take on the server. */
    static final class Claim {
        final List<Holder> reentered = new ArrayList<>();
        final Map<LockKey, Holder> fresh = new HashMap<>();
        final List<LockKey> freshKeys = new ArrayList<>();
    }

    /** Thrown when waiting would close a cycle of local waits. */
    static final class LocalDeadlock extends Exception {
        private static final long serialVersionUID = 1L;

        LocalDeadlock(String message) {
            super(message, null, false, false);
        }
    }

    /** A thread waiting here for one key, on a condition of its own. */
    private static final class Waiter {
        final Thread thread;
        final LockKey key;
        final AdvisoryLockMode mode;
        final Condition wake;

        Waiter(Thread thread, LockKey key, AdvisoryLockMode mode, Condition wake) {
            this.thread = thread;
            this.key = key;
            this.mode = mode;
            this.wake = wake;
        }
    }

    /** One key's holders, and the threads waiting for it in arrival order. */
    private static final class Entry {
        final List<Holder> holders = new ArrayList<>(2);
        final Set<Waiter> waiters = new LinkedHashSet<>();
        /** The waiter signalled and not yet back, if any: the key's next signal is its to pass on. */
        Waiter signalled;

        boolean isUnused() {
            return holders.isEmpty() && waiters.isEmpty();
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<LockKey, Entry> entries = new HashMap<>();
    private final Map<Thread, Waiter> waiting = new HashMap<>();

    /** Waiting threads signalled so far (tests bound it; guarded by {@link #lock}). */
    private long signals;

    /** Wait-for graph searches run (tests bound them; guarded by {@link #lock}). */
    private long cycleSearches;

    /**
     * Claims every key for the calling thread, in the given (canonical) order, waiting here while another thread
     * conflicts.
     *
     * @param deadlineNanos {@link System#nanoTime()} value to give up at; {@code Long.MAX_VALUE} waits forever; a value
     *     in the past means do not wait
     * @return the claim, or null if a conflict remained at the deadline (nothing stays claimed then)
     */
    Claim enter(List<LockKey> keys, AdvisoryLockMode mode, long deadlineNanos)
            throws InterruptedException, LocalDeadlock {
        Thread me = Thread.currentThread();
        Claim claim = new Claim();
        lock.lock();
        try {
            for (LockKey key : keys) {
                Entry entry = entries.computeIfAbsent(key, k -> new Entry());
                Holder own = find(entry, me, mode);
                if (own != null && !own.pending) {
                    own.count++;
                    claim.reentered.add(own);
                    continue;
                }
                if (!awaitNoConflict(key, entry, mode, me, deadlineNanos, claim)) {
                    return null;
                }
                Holder h = new Holder(me, mode);
                entry.holders.add(h);
                claim.fresh.put(key, h);
                claim.freshKeys.add(key);
            }
            return claim;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until nothing blocks {@code me} on {@code key}; on giving up (deadline, interrupt, deadlock) undoes the
     * claim so far and leaves {@code key}'s entry as it found it.
     */
    private boolean awaitNoConflict(
            LockKey key, Entry entry, AdvisoryLockMode mode, Thread me, long deadlineNanos, Claim claim)
            throws InterruptedException, LocalDeadlock {
        Set<Thread> blockers = blockers(entry, mode, me);
        if (blockers.isEmpty()) {
            return true;
        }
        Waiter waiter = null;
        boolean done = false;
        try {
            Set<Thread> searched = null;
            while (!blockers.isEmpty()) {
                if (!blockers.equals(searched)) {
                    String cycle = findCycle(key, blockers, me);
                    if (cycle != null) {
                        throw new LocalDeadlock(cycle);
                    }
                    searched = blockers;
                }
                long remaining = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                if (waiter == null) {
                    waiter = new Waiter(me, key, mode, lock.newCondition());
                    entry.waiters.add(waiter);
                    waiting.put(me, waiter);
                } else if (entry.signalled == waiter) {
                    // woken for nothing (a thread that was not waiting came in first): keeps its place, passes it on
                    entry.signalled = null;
                    wake(entry);
                }
                if (remaining == Long.MAX_VALUE) {
                    waiter.wake.await();
                } else {
                    waiter.wake.awaitNanos(remaining);
                }
                blockers = blockers(entry, mode, me);
            }
            done = true;
            return true;
        } finally {
            if (waiter != null) {
                entry.waiters.remove(waiter);
                waiting.remove(me);
                if (entry.signalled == waiter) {
                    entry.signalled = null;
                }
            }
            if (!done) {
                // gives back the keys claimed before this one, and any signal this thread took but cannot use
                undoLocked(claim);
                wake(entry);
                if (entry.isUnused()) {
                    entries.remove(key);
                }
            }
        }
    }

    /** The other threads whose holds of the entry's key keep {@code me} from claiming it in {@code mode}. */
    private static Set<Thread> blockers(Entry entry, AdvisoryLockMode mode, Thread me) {
        Set<Thread> result = null;
        for (Holder h : entry.holders) {
            if (blocks(h, mode, me)) {
                if (result == null) {
                    result = new HashSet<>();
                }
                result.add(h.thread);
            }
        }
        return result == null ? Set.of() : result;
    }

    private static boolean blocks(Holder h, AdvisoryLockMode mode, Thread me) {
        return h.thread != me && (h.pending || h.mode.conflictsWith(mode));
    }

    private static boolean isBlocked(Entry entry, AdvisoryLockMode mode, Thread me) {
        for (Holder h : entry.holders) {
            if (blocks(h, mode, me)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Describes the cycle if {@code me} waiting for {@code key}, blocked by {@code blockers}, would close one back to
     * {@code me}; null otherwise.
     */
    private String findCycle(LockKey key, Set<Thread> blockers, Thread me) {
        cycleSearches++;
        Deque<Thread> todo = new ArrayDeque<>(blockers);
        Set<Thread> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Thread t = todo.pop();
            if (t == me) {
                return "thread '" + me.getName() + "' would wait for key " + key
                        + " while holding a key that threads waiting for it need (local wait-for cycle)";
            }
            Waiter w = waiting.get(t);
            if (seen.add(t) && w != null) {
                Entry e = entries.get(w.key);
                if (e != null) {
                    todo.addAll(blockers(e, w.mode, t));
                }
            }
        }
        return null;
    }

    /**
     * Signals the first waiter of the entry's key that nothing blocks any more, unless one signalled earlier has not
     * come back yet (it claims the key, or passes the signal on when it leaves or finds itself blocked again).
     *
     * <p>A pending or exclusive hold blocks every other thread, so while one is there only its own thread's waiter (a
     * thread waits for one key at a time) can come in, and with two threads' such holds nobody can: neither case
     * walks the queue, which after an exclusive hold's confirmation would mean every waiter of the key.
     */
    private void wake(Entry entry) {
        if (entry.signalled != null) {
            return;
        }
        Thread onlyCandidate = null;
        for (Holder h : entry.holders) {
            if (h.pending || h.mode == AdvisoryLockMode.EXCLUSIVE) {
                if (onlyCandidate == null) {
                    onlyCandidate = h.thread;
                } else if (onlyCandidate != h.thread) {
                    return;
                }
            }
        }
        if (onlyCandidate != null) {
            Waiter w = waiting.get(onlyCandidate);
            if (w != null && entry.waiters.contains(w) && !isBlocked(entry, w.mode, w.thread)) {
                signal(entry, w);
            }
            return;
        }
        for (Waiter w : entry.waiters) {
            if (!isBlocked(entry, w.mode, w.thread)) {
                signal(entry, w);
                return;
            }
        }
    }

    private void signal(Entry entry, Waiter w) {
        entry.signalled = w;
        w.wake.signal();
        signals++;
    }

    private void wake(LockKey key) {
        Entry entry = entries.get(key);
        if (entry != null) {
            wake(entry);
        }
    }

    /** Marks a claim's fresh holds as granted by the server. */
    void confirm(Claim claim) {
        lock.lock();
        try {
            claim.fresh.forEach((key, h) -> {
                h.pending = false;
                h.count = 1;
                wake(key); // shared requests may now come in
            });
        } finally {
            lock.unlock();
        }
    }

    /** Gives back everything a claim took (the server refused or failed). */
    void undo(Claim claim) {
        lock.lock();
        try {
            undoLocked(claim);
        } finally {
            lock.unlock();
        }
    }

    private void undoLocked(Claim claim) {
        for (Holder h : claim.reentered) {
            h.count--;
        }
        claim.fresh.forEach(this::remove);
        claim.reentered.clear();
        claim.fresh.clear();
        claim.freshKeys.clear();
    }

    /**
     * Drops one hold of each key by the calling thread.
     *
     * @return the keys whose count reached zero: release them on the server, then call {@link #released}
     */
    List<LockKey> exit(List<LockKey> keys, AdvisoryLockMode mode, Thread owner) {
        List<LockKey> last = new ArrayList<>();
        lock.lock();
        try {
            for (LockKey key : keys) {
                Holder h = find(key, owner, mode);
                if (h != null && --h.count == 0) {
                    h.pending = true; // still blocks others until the server has let go
                    last.add(key);
                }
            }
        } finally {
            lock.unlock();
        }
        return last;
    }

    /** Forgets holds whose server locks are gone, and wakes a thread waiting for each key. */
    void released(List<LockKey> keys, AdvisoryLockMode mode, Thread owner) {
        lock.lock();
        try {
            for (LockKey key : keys) {
                Holder h = find(key, owner, mode);
                if (h != null && h.count == 0) {
                    remove(key, h);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many threads are waiting here (for tests and diagnostics). */
    int waitingThreads() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waiting threads signalled so far (for tests). */
    long signals() {
        lock.lock();
        try {
            return signals;
        } finally {
            lock.unlock();
        }
    }

    /** Wait-for graph searches run so far (for tests). */
    long cycleSearches() {
        lock.lock();
        try {
            return cycleSearches;
        } finally {
            lock.unlock();
        }
    }

    private Holder find(LockKey key, Thread thread, AdvisoryLockMode mode) {
        Entry entry = entries.get(key);
        return entry == null ? null : find(entry, thread, mode);
    }

    private static Holder find(Entry entry, Thread thread, AdvisoryLockMode mode) {
        for (Holder h : entry.holders) {
            if (h.thread == thread && h.mode == mode) {
                return h;
            }
        }
        return null;
    }

    /** Removes a hold and wakes the first waiter of its key the change lets through. */
    private void remove(LockKey key, Holder holder) {
        Entry entry = entries.get(key);
        if (entry != null && entry.holders.remove(holder)) {
            wake(entry);
            if (entry.isUnused()) {
                entries.remove(key);
            }
        }
    }
}
