package io.dblock;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The holds of one {@link SessionLocks}: creates each {@link Hold} with its {@link SessionHandle}, keeps the holds not
 * yet released (for the watchdog and shutdown), and releases a hold whose handle was garbage-collected unreleased (found
 * by a {@link java.lang.ref.Cleaner}) as soon as no thread is using its pin.
 */
final class SessionHolds {

    /** Logs under {@link SessionLocks}' name, as before these parts had classes of their own. */
    private static final System.Logger LOG = SessionLocks.LOG;

    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create(r -> {
        Thread t = new Thread(r, "dblock-leaked-handles");
        t.setDaemon(true);
        return t;
    });

    private final Listeners listeners;
    private final boolean recordSites;
    /** Releases one hold on a thread that has entered its pin ({@link SessionRelease#releaseHold}). */
    private final Consumer<Hold> releaseHold;

    private final java.util.Queue<Hold> leaks = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Holds not yet released, for the watchdog. */
    final java.util.Set<Hold> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    SessionHolds(Listeners listeners, boolean recordSites, Consumer<Hold> releaseHold) {
        this.listeners = listeners;
        this.recordSites = recordSites;
        this.releaseHold = releaseHold;
    }

    /** Records a new hold on {@code pin} and returns its handle, watched for being collected unreleased. */
    SessionHandle create(
            SessionLocks locks, List<LockKey> keys, AdvisoryLockMode mode, Pin pin, long start, Long fencingToken) {
        Hold hold = new Hold(
                keys,
                mode,
                pin,
                Thread.currentThread(),
                Durations.since(start),
                fencingToken,
                recordSites ? Hold.captureSite() : null);
        live.add(hold);
        SessionHandle handle = new SessionHandle(locks, hold);
        CLEANER.register(handle, () -> leaked(hold));
        return handle;
    }

    /**
     * Runs when a handle became unreachable: if it was never released, warns with where it was acquired and releases
     * it as soon as its connection is free (at once if its thread is not inside dblock, else at that thread's next
     * acquisition or the next watchdog pass).
     */
    private void leaked(Hold hold) {
        if (hold.isReleased()) {
            return;
        }
        LOG.log(
                Level.WARNING,
                "a LockHandle of " + hold.description() + " was garbage-collected without being released; thread '"
                        + hold.owner.getName() + "' acquired it at:" + hold.siteText()
                        + "\nReleasing it now. Release session locks with try-with-resources or withLock(...).");
        leaks.add(hold);
        releaseLeaks();
    }

    /** Releases leaked holds whose connection no thread is using; the others stay queued. Any thread. */
    void releaseLeaks() {
        if (leaks.isEmpty()) {
            return; // the common case, on every acquisition: no iterator
        }
        for (Hold hold : leaks) {
            if (hold.pin.busy.tryLock()) {
                try {
                    leaks.remove(hold);
                    releaseLeaked(hold);
                } finally {
                    hold.pin.busy.unlock();
                }
            }
        }
    }

    /** Releases one leaked hold whose pin the caller entered (unless its release already began), logging a failure. */
    private void releaseLeaked(Hold hold) {
        try {
            if (hold.markReleased()) {
                releaseHold.accept(hold);
                listeners.released(
                        hold.description(), hold.waited, Duration.between(hold.acquiredAt, java.time.Instant.now()));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "releasing the leaked " + hold.description() + " failed", e);
        }
    }

    /**
     * Lets go of a pin the calling thread entered, then releases leaked holds that were queued because it was busy
     * (a leaked hold of this thread is queued exactly when its handle was collected while the thread was in here).
     */
    void leave(Pin pin) {
        pin.busy.unlock();
        if (!leaks.isEmpty() && !pin.busy.isHeldByCurrentThread()) {
            releaseLeaks();
        }
    }
}
