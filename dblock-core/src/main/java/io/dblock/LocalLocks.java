package io.dblock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

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
 * One lock guards all state; it is held only for bookkeeping, never across SQL. Each key's holders and waiters, and
 * which waiter to wake, are a {@link LocalKey}; the waiting itself (queueing, signalling, and the wait-for graph with
 * its cycle search) is {@link LocalWaits}, which also describes how it stays cheap with thousands of threads.
 */
final class LocalLocks {

    /** What one request claimed: holds it re-entered, and holds to take on the server. */
    static final class Claim {
        final List<LocalKey.Holder> reentered = new ArrayList<>();
        final Map<LockKey, LocalKey.Holder> fresh = new HashMap<>();
        final List<LockKey> freshKeys = new ArrayList<>();
        /**
         * The connections on which the thread holds a fresh key in another mode (PostgreSQL): the server grants a
         * session both modes of a key, so such a key must be taken there, never on another session of the thread's.
         */
        final java.util.Set<Pin> otherModePins = new java.util.LinkedHashSet<>();

        /** The connections of the re-entered holds, in first-seen order. */
        List<Pin> reenteredPins() {
            List<Pin> pins = new ArrayList<>(1);
            for (LocalKey.Holder h : reentered) {
                if (h.pin != null && !pins.contains(h.pin)) {
                    pins.add(h.pin);
                }
            }
            return pins;
        }

        /** The re-entered keys held on {@code pin}. */
        List<LockKey> reenteredOn(Pin pin) {
            List<LockKey> keys = new ArrayList<>();
            for (LocalKey.Holder h : reentered) {
                if (h.pin == pin) {
                    keys.add(h.key);
                }
            }
            return keys;
        }
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
    private final LocalWaits waiting = new LocalWaits(lock, entries::get);

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
        Claim claim = new Claim();
        lock.lock();
        try {
            for (LockKey key : keys) {
                if (!claim(key, mode, deadlineNanos, claim)) {
                    return null;
                }
            }
            return claim;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds one key to the claim: re-enters the thread's confirmed hold of it, or waits until nothing conflicts and adds
     * a pending hold.
     *
     * @return false if a conflict remained at the deadline (nothing stays claimed then)
     */
    private boolean claim(LockKey key, AdvisoryLockMode mode, long deadlineNanos, Claim claim)
            throws InterruptedException, LocalDeadlock {
        Thread me = Thread.currentThread();
        LocalKey entry = entries.computeIfAbsent(key, k -> new LocalKey());
        LocalKey.Holder own = entry.find(me, mode);
        if (own != null && !own.pending) {
            own.count++;
            claim.reentered.add(own);
            return true;
        }
        if (!awaitNoConflict(key, entry, mode, me, deadlineNanos, claim)) {
            return false;
        }
        LocalKey.Holder h = new LocalKey.Holder(key, me, mode);
        LocalKey.Holder other = entry.otherMode(me, mode);
        if (other != null && other.pin != null) {
            claim.otherModePins.add(other.pin);
        }
        entry.holders.add(h);
        claim.fresh.put(key, h);
        claim.freshKeys.add(key);
        return true;
    }

    /**
     * Waits until nothing blocks {@code me} on {@code key}; on giving up (deadline, interrupt, deadlock) undoes the
     * claim so far and leaves {@code key}'s entry as it found it.
     */
    private boolean awaitNoConflict(
            LockKey key, LocalKey entry, AdvisoryLockMode mode, Thread me, long deadlineNanos, Claim claim)
            throws InterruptedException, LocalDeadlock {
        boolean done = false;
        try {
            done = waiting.awaitNoConflict(key, entry, mode, me, deadlineNanos);
            return done;
        } finally {
            if (!done) {
                giveUp(key, entry, claim);
            }
        }
    }

    /**
     * After a wait that gave up: gives back the keys claimed before this one, and any signal this thread took but
     * cannot use.
     */
    private void giveUp(LockKey key, LocalKey entry, Claim claim) {
        undoLocked(claim);
        waiting.wake(entry);
        if (entry.isUnused()) {
            entries.remove(key);
        }
    }

    private void wake(LockKey key) {
        LocalKey entry = entries.get(key);
        if (entry != null) {
            waiting.wake(entry);
        }
    }

    /** Marks a claim's fresh holds as granted by the server, on {@code pin}. */
    void confirm(Claim claim, Pin pin) {
        lock.lock();
        try {
            claim.fresh.forEach((key, h) -> {
                h.pin = pin;
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
        claim.otherModePins.clear();
    }

    /**
     * Drops one hold of each key by the calling thread.
     *
     * @return the holds whose count reached zero: release them on the server (each on its {@link LocalKey.Holder#pin}),
     *     then call {@link #released}
     */
    List<LocalKey.Holder> exit(List<LockKey> keys, AdvisoryLockMode mode, Thread owner) {
        List<LocalKey.Holder> last = new ArrayList<>();
        lock.lock();
        try {
            for (LockKey key : keys) {
                LocalKey.Holder h = find(key, owner, mode);
                if (h != null && --h.count == 0) {
                    h.pending = true; // still blocks others until the server has let go
                    last.add(h);
                }
            }
        } finally {
            lock.unlock();
        }
        return last;
    }

    /** Forgets holds whose server locks are gone, and wakes a thread waiting for each key. */
    void released(List<LocalKey.Holder> last) {
        lock.lock();
        try {
            for (LocalKey.Holder h : last) {
                if (h.count == 0) {
                    remove(h.key, h);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** For the deadlock detector: each thread waiting here, and the threads whose holds block it. */
    Map<Thread, java.util.Set<Thread>> waitsFor() {
        return locked(waiting::waitsFor);
    }

    /** For the deadlock detector: the granted holds (of {@code owner} only, unless null) and their connections. */
    List<LocalKey.Holder> granted(Thread owner) {
        return locked(() -> {
            List<LocalKey.Holder> granted = new ArrayList<>();
            for (LocalKey entry : entries.values()) {
                for (LocalKey.Holder h : entry.holders) {
                    if (!h.pending && h.pin != null && (owner == null || h.thread == owner)) {
                        granted.add(h);
                    }
                }
            }
            return granted;
        });
    }

    /** How many threads are waiting here (for tests and diagnostics). */
    int waitingThreads() {
        return locked(waiting::size);
    }

    /** Waiting threads signalled so far (for tests). */
    long signals() {
        return locked(waiting::signals);
    }

    /** Wait-for graph searches run so far (for tests). */
    long cycleSearches() {
        return locked(waiting::cycleSearches);
    }

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
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
            waiting.wake(entry);
            if (entry.isUnused()) {
                entries.remove(key);
            }
        }
    }
}
