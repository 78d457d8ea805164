package io.dblock;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.function.Function;

/**
 * One key's state in {@link LocalLocks}: its holders, the threads waiting for it in arrival order, and which of them to
 * wake when its holders change. Guarded by the lock of its {@code LocalLocks}.
 */
final class LocalKey {

    /** A thread's stake in one key and mode. */
    static final class Holder {
        final io.dblock.LockKey key;
        final Thread thread;
        final AdvisoryLockMode mode;
        int count;
        /** The connection the server holds it on, once granted. */
        Pin pin;
        /** Claimed locally and being acquired on the server (or released from it): blocks other local threads. */
        boolean pending = true;

        Holder(io.dblock.LockKey key, Thread thread, AdvisoryLockMode mode) {
            this.key = key;
            this.thread = thread;
            this.mode = mode;
        }
    }

    /** A thread waiting for one key, on a condition of its own. */
    static final class Waiter {
        final Thread thread;
        final io.dblock.LockKey key;
        final AdvisoryLockMode mode;
        final Condition wake;

        Waiter(Thread thread, io.dblock.LockKey key, AdvisoryLockMode mode, Condition wake) {
            this.thread = thread;
            this.key = key;
            this.mode = mode;
            this.wake = wake;
        }
    }

    final List<Holder> holders = new ArrayList<>(2);
    final Set<Waiter> waiters = new LinkedHashSet<>();
    /** The waiter signalled and not yet back, if any: the key's next signal is its to pass on. */
    Waiter signalled;

    boolean isUnused() {
        return holders.isEmpty() && waiters.isEmpty();
    }

    /** The other threads whose holds of this key keep {@code me} from claiming it in {@code mode}. */
    Set<Thread> blockers(AdvisoryLockMode mode, Thread me) {
        Set<Thread> result = null;
        for (Holder h : holders) {
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

    boolean isBlocked(AdvisoryLockMode mode, Thread me) {
        for (Holder h : holders) {
            if (blocks(h, mode, me)) {
                return true;
            }
        }
        return false;
    }

    /** The thread's granted hold of this key in a mode other than {@code mode}, or null. */
    Holder otherMode(Thread thread, AdvisoryLockMode mode) {
        for (Holder h : holders) {
            if (h.thread == thread && h.mode != mode && !h.pending) {
                return h;
            }
        }
        return null;
    }

    /** The thread's hold of this key in {@code mode}, or null. */
    Holder find(Thread thread, AdvisoryLockMode mode) {
        for (Holder h : holders) {
            if (h.thread == thread && h.mode == mode) {
                return h;
            }
        }
        return null;
    }

    /**
     * The first waiter that nothing blocks any more, to be signalled; null if there is none, or if one signalled
     * earlier has not come back yet (it claims the key, or passes the signal on when it leaves or finds itself blocked
     * again).
     *
     * <p>A pending or exclusive hold blocks every other thread, so while one is there only its own thread's waiter (a
     * thread waits for one key at a time) can come in, and with two threads' such holds nobody can: neither case
     * walks the queue, which after an exclusive hold's confirmation would mean every waiter of the key.
     *
     * @param waiterOf what each thread is waiting for, if anything
     */
    Waiter nextToWake(Function<Thread, Waiter> waiterOf) {
        if (signalled != null) {
            return null;
        }
        Thread onlyCandidate = null;
        for (Holder h : holders) {
            if (h.pending || h.mode == AdvisoryLockMode.EXCLUSIVE) {
                if (onlyCandidate != null && onlyCandidate != h.thread) {
                    return null;
                }
                onlyCandidate = h.thread;
            }
        }
        return onlyCandidate == null ? firstUnblocked() : unblocked(waiterOf.apply(onlyCandidate));
    }

    /** The first waiter in arrival order that nothing blocks, or null. */
    private Waiter firstUnblocked() {
        for (Waiter w : waiters) {
            if (!isBlocked(w.mode, w.thread)) {
                return w;
            }
        }
        return null;
    }

    /** {@code w} if it is a waiter of this key that nothing blocks, else null. */
    private Waiter unblocked(Waiter w) {
        return w != null && waiters.contains(w) && !isBlocked(w.mode, w.thread) ? w : null;
    }
}
