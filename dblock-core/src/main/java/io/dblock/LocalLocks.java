package io.dblock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * One lock guards all state; it is held only for bookkeeping, never across SQL. Each key's holders and waiters, and
 * which waiter to wake, are a {@link LocalKey}; the wait-for graph and its cycle search are {@link LocalWaits}.
 */
final class LocalLocks {

    /** What one request claimed: holds it re-entered, and holds to take on the server. */
    static final class Claim {
        final List<LocalKey.Holder> reentered = new ArrayList<>();
        final Map<LockKey, LocalKey.Holder> fresh = new HashMap<>();
        final List<LockKey> freshKeys = new ArrayList<>();
    }

    /** Thrown when waiting would close a cycle of local waits. */
    static final class LocalDeadlock extends Exception {
        private static final long serialVersionUID = 1L;

        LocalDeadlock(String message) {
            super(message, null, false, false);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<LockKey, LocalKey> entries = new HashMap<>();
    private final LocalWaits waiting = new LocalWaits();

    /** Waiting threads signalled so far (tests bound it; guarded by {@link #lock}). */
    private long signals;

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
                LocalKey entry = entries.computeIfAbsent(key, k -> new LocalKey());
                LocalKey.Holder own = entry.find(me, mode);
                if (own != null && !own.pending) {
                    own.count++;
                    claim.reentered.add(own);
                    continue;
                }
                if (!awaitNoConflict(key, entry, mode, me, deadlineNanos, claim)) {
                    return null;
                }
                LocalKey.Holder h = new LocalKey.Holder(me, mode);
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
            LockKey key, LocalKey entry, AdvisoryLockMode mode, Thread me, long deadlineNanos, Claim claim)
            throws InterruptedException, LocalDeadlock {
        Set<Thread> blockers = entry.blockers(mode, me);
        if (blockers.isEmpty()) {
            return true;
        }
        LocalKey.Waiter waiter = null;
        boolean done = false;
        try {
            Set<Thread> searched = null;
            while (!blockers.isEmpty()) {
                if (!blockers.equals(searched)) {
                    String cycle = waiting.findCycle(key, blockers, me, entries::get);
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
                    waiter = new LocalKey.Waiter(me, key, mode, lock.newCondition());
                    entry.waiters.add(waiter);
                    waiting.add(waiter);
                } else if (entry.signalled == waiter) {
                    // woken for nothing (a thread that was not waiting came in first): keeps its place, passes it on
                    entry.signalled = null;
                    wake(entry);
                }
                await(waiter, remaining);
                blockers = entry.blockers(mode, me);
            }
            done = true;
            return true;
        } finally {
            if (waiter != null) {
                leaveQueue(entry, waiter);
            }
            if (!done) {
                giveUp(key, entry, claim);
            }
        }
    }

    /** Waits for the waiter's signal, at most {@code remaining} ns unless that is {@code Long.MAX_VALUE}. */
    private static void await(LocalKey.Waiter waiter, long remaining) throws InterruptedException {
        if (remaining == Long.MAX_VALUE) {
            waiter.wake.await();
        } else {
            waiter.wake.awaitNanos(remaining);
        }
    }

    /** Takes a waiter off its key's queue and the wait-for graph, with any signal it took. */
    private void leaveQueue(LocalKey entry, LocalKey.Waiter waiter) {
        entry.waiters.remove(waiter);
        waiting.remove(waiter.thread);
        if (entry.signalled == waiter) {
            entry.signalled = null;
        }
    }

    /**
     * After a wait that gave up: gives back the keys claimed before this one, and any signal this thread took but
     * cannot use.
     */
    private void giveUp(LockKey key, LocalKey entry, Claim claim) {
        undoLocked(claim);
        wake(entry);
        if (entry.isUnused()) {
            entries.remove(key);
        }
    }

    /** Signals the first waiter of the entry's key that nothing blocks any more (see {@link LocalKey#nextToWake}). */
    private void wake(LocalKey entry) {
        LocalKey.Waiter w = entry.nextToWake(waiting::of);
        if (w != null) {
            signal(entry, w);
        }
    }

    private void signal(LocalKey entry, LocalKey.Waiter w) {
        entry.signalled = w;
        w.wake.signal();
        signals++;
    }

    private void wake(LockKey key) {
        LocalKey entry = entries.get(key);
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
        for (LocalKey.Holder h : claim.reentered) {
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
                LocalKey.Holder h = find(key, owner, mode);
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
                LocalKey.Holder h = find(key, owner, mode);
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
            return waiting.cycleSearches();
        } finally {
            lock.unlock();
        }
    }

    private LocalKey.Holder find(LockKey key, Thread thread, AdvisoryLockMode mode) {
        LocalKey entry = entries.get(key);
        return entry == null ? null : entry.find(thread, mode);
    }

    /** Removes a hold and wakes the first waiter of its key the change lets through. */
    private void remove(LockKey key, LocalKey.Holder holder) {
        LocalKey entry = entries.get(key);
        if (entry != null && entry.holders.remove(holder)) {
            wake(entry);
            if (entry.isUnused()) {
                entries.remove(key);
            }
        }
    }
}
