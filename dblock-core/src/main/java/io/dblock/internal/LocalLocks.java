package io.dblock.internal;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
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

    private record Want(LockKey key, AdvisoryLockMode mode) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<LockKey, List<Holder>> holders = new HashMap<>();
    private final Map<Thread, Want> waiting = new HashMap<>();

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
                Holder own = find(key, me, mode);
                if (own != null && !own.pending) {
                    own.count++;
                    claim.reentered.add(own);
                    continue;
                }
                if (!awaitNoConflict(key, mode, me, deadlineNanos, claim)) {
                    return null;
                }
                Holder h = new Holder(me, mode);
                holders.computeIfAbsent(key, k -> new ArrayList<>()).add(h);
                claim.fresh.put(key, h);
                claim.freshKeys.add(key);
            }
            return claim;
        } finally {
            lock.unlock();
        }
    }

    private boolean awaitNoConflict(LockKey key, AdvisoryLockMode mode, Thread me, long deadlineNanos, Claim claim)
            throws InterruptedException, LocalDeadlock {
        while (!blockers(key, mode, me).isEmpty()) {
            String cycle = findCycle(key, mode, me);
            if (cycle != null) {
                undoLocked(claim);
                throw new LocalDeadlock(cycle);
            }
            long remaining = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                undoLocked(claim);
                return false;
            }
            waiting.put(me, new Want(key, mode));
            try {
                if (remaining == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(remaining);
                }
            } catch (InterruptedException e) {
                undoLocked(claim);
                throw e;
            } finally {
                waiting.remove(me);
            }
        }
        return true;
    }

    private Set<Thread> blockers(LockKey key, AdvisoryLockMode mode, Thread me) {
        Set<Thread> result = new HashSet<>();
        for (Holder h : holders.getOrDefault(key, List.of())) {
            if (h.thread != me && (h.pending || h.mode.conflictsWith(mode))) {
                result.add(h.thread);
            }
        }
        return result;
    }

    /** Describes the cycle if waiting for {@code key} would close one back to {@code me}; null otherwise. */
    private String findCycle(LockKey key, AdvisoryLockMode mode, Thread me) {
        Deque<Thread> todo = new ArrayDeque<>(blockers(key, mode, me));
        Set<Thread> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Thread t = todo.pop();
            if (t == me) {
                return "thread '" + me.getName() + "' would wait for key " + key
                        + " while holding a key that threads waiting for it need (local wait-for cycle)";
            }
            Want w = waiting.get(t);
            if (seen.add(t) && w != null) {
                todo.addAll(blockers(w.key(), w.mode(), t));
            }
        }
        return null;
    }

    /** Marks a claim's fresh holds as granted by the server. */
    void confirm(Claim claim) {
        lock.lock();
        try {
            for (Holder h : claim.fresh.values()) {
                h.pending = false;
                h.count = 1;
            }
            changed.signalAll();
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
        changed.signalAll();
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

    /** Forgets holds whose server locks are gone, and wakes waiting threads. */
    void released(List<LockKey> keys, AdvisoryLockMode mode, Thread owner) {
        lock.lock();
        try {
            for (LockKey key : keys) {
                Holder h = find(key, owner, mode);
                if (h != null && h.count == 0) {
                    remove(key, h);
                }
            }
            changed.signalAll();
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

    private Holder find(LockKey key, Thread thread, AdvisoryLockMode mode) {
        for (Holder h : holders.getOrDefault(key, List.of())) {
            if (h.thread == thread && h.mode == mode) {
                return h;
            }
        }
        return null;
    }

    private void remove(LockKey key, Holder holder) {
        List<Holder> list = holders.get(key);
        if (list != null && list.remove(holder) && list.isEmpty()) {
            holders.remove(key);
        }
    }
}
