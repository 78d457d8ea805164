package io.dblock;

import java.lang.System.Logger.Level;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The holds of one {@link SessionLocks}: creates each {@link Hold} with its {@link SessionHandle}, keeps the holds not
 * yet released (for the watchdog and shutdown), and releases a hold whose handle was garbage-collected unreleased as
 * soon as no thread is using its pin. Collected handles are found through a {@link ReferenceQueue} that the instance's
 * housekeeping thread looks at every {@value #SWEEP_MILLIS} ms while any handle is unreleased, and each acquisition
 * looks at too; no thread of its own.
 */
final class SessionHolds {

    /** Logs under {@link SessionLocks}' name, as before these parts had classes of their own. */
    private static final System.Logger LOG = SessionLocks.LOG;

    /** How often the housekeeping thread looks for collected handles while any is unreleased. */
    static final long SWEEP_MILLIS = 200;

    private final Listeners listeners;
    private final boolean recordSites;
    /** Releases one hold on a thread that has entered its pin ({@link SessionRelease#releaseHold}). */
    private final Consumer<Hold> releaseHold;

    private final java.util.Queue<Hold> leaks = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** The handles of unreleased holds, watched for being collected; a release stops watching its handle. */
    private final Map<Hold, Collectable> watched = new ConcurrentHashMap<>();

    private final ReferenceQueue<SessionHandle> collected = new ReferenceQueue<>();
    private final BackgroundThreads.Kind housekeeping;
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /** A handle's phantom, queued once the handle is unreachable; it knows the hold, never the handle. */
    private static final class Collectable extends PhantomReference<SessionHandle> {
        final Hold hold;

        Collectable(SessionHandle handle, Hold hold, ReferenceQueue<SessionHandle> queue) {
            super(handle, queue);
            this.hold = hold;
        }
    }

    /** Holds not yet released, for the watchdog. */
    final java.util.Set<Hold> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    SessionHolds(
            Listeners listeners, boolean recordSites, Consumer<Hold> releaseHold, BackgroundThreads.Kind housekeeping) {
        this.listeners = listeners;
        this.recordSites = recordSites;
        this.releaseHold = releaseHold;
        this.housekeeping = housekeeping;
    }

    /** Records a new hold on {@code pin} and returns its handle, watched for being collected unreleased. */
    SessionHandle create(
            SessionLocks locks,
            List<LockKey> keys,
            AdvisoryLockMode mode,
            List<Pin> pins,
            long start,
            Long fencingToken) {
        Hold hold = new Hold(
                keys,
                mode,
                pins,
                Thread.currentThread(),
                Durations.since(start),
                fencingToken,
                recordSites ? Hold.captureSite() : null);
        live.add(hold);
        JvmLocks.added(hold, locks.engine().name());
        SessionHandle handle = new SessionHandle(locks, hold);
        watched.put(hold, new Collectable(handle, hold, collected));
        armSweep();
        return handle;
    }

    /** The hold's release began: no longer live, and its handle is no longer watched. */
    void ended(Hold hold) {
        live.remove(hold);
        JvmLocks.removed(hold);
        Collectable handle = watched.remove(hold);
        if (handle != null) {
            handle.clear();
        }
    }

    /** Schedules a look for collected handles unless one is scheduled; after close there is none (close ends all). */
    private void armSweep() {
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            try {
                housekeeping.schedule(this::sweep, SWEEP_MILLIS);
            } catch (LockUsageException closed) {
                sweeping.set(false);
            }
        }
    }

    private void sweep() {
        releaseLeaks();
        sweeping.set(false);
        if (!watched.isEmpty() || !leaks.isEmpty()) { // a leak whose connection was busy is tried again
            armSweep();
        }
    }

    /** Takes the handles found unreachable since the last look and releases their holds (when their pin is free). */
    private void collectLeaked() {
        for (Reference<? extends SessionHandle> r = collected.poll(); r != null; r = collected.poll()) {
            Hold hold = ((Collectable) r).hold;
            watched.remove(hold);
            leaked(hold);
        }
    }

    /**
     * Runs when a handle was found unreachable: if it was never released, warns with where it was acquired and queues
     * it for release as soon as its connection is free (at once if its thread is not inside dblock, else at that
     * thread's next acquisition, its leaving dblock, or the next look).
     */
    private void leaked(Hold hold) {
        if (hold.isReleased()) {
            return;
        }
        // queued before the warning, so whoever sees the warning finds it queued (the owner's next leave releases it)
        leaks.add(hold);
        LOG.log(
                Level.WARNING,
                "a LockHandle of " + hold.description() + " was garbage-collected without being released; thread '"
                        + hold.owner.getName() + "' acquired it at:" + hold.siteText()
                        + "\nReleasing it now. Release session locks with try-with-resources or withLock(...).");
    }

    /** Releases leaked holds whose connection no thread is using; the others stay queued. Any thread. */
    void releaseLeaks() {
        collectLeaked();
        if (leaks.isEmpty()) {
            return; // the common case, on every acquisition: no iterator
        }
        for (Hold hold : leaks) {
            int entered = enter(hold.pins);
            try {
                if (entered == hold.pins.size()) {
                    leaks.remove(hold);
                    releaseLeaked(hold);
                }
            } finally {
                for (int i = 0; i < entered; i++) {
                    hold.pins.get(i).busy.unlock();
                }
            }
        }
    }

    /** Enters the pins in order while none is busy; returns how many it entered (all, or the ones before a busy one). */
    private static int enter(List<Pin> pins) {
        int entered = 0;
        while (entered < pins.size() && pins.get(entered).busy.tryLock()) {
            entered++;
        }
        return entered;
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
