package io.dblock;

import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * Checks, every interval, that the sessions holding a {@code DbLocks}' session locks still hold them, on the instance's
 * watchdog thread ({@link BackgroundThreads#watchdog}). A pass asks each holding session itself, one query on its own pinned connection ({@code pg_locks} /
 * {@code IS_USED_LOCK}); it borrows nothing from the pool, so a pool whose every connection holds a lock is watched as
 * well as any (see {@link SessionLocks#checkLive()}). A lost lock is therefore reported within one interval plus one
 * query. The task holds its {@code DbLocks} weakly and stops once it is gone.
 */
final class Watchdog {

    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());

    private Watchdog() {}

    /** How often the keepalive looks for pinned sessions that are due (each at a third of its server's idle limit). */
    static final long KEEPALIVE_TICK_MILLIS = 250;

    /**
     * Starts the checks and the keepalive of pinned sessions ({@link SessionLocks#keepAlive()}, every {@value
     * #KEEPALIVE_TICK_MILLIS} ms, acting only on sessions that are due); the returned action stops both. With the
     * watchdog off, neither runs.
     */
    static Runnable start(SessionLocks sessions, Duration interval, BackgroundThreads.Kind thread) {
        if (interval == null || interval.isZero()) {
            return () -> {};
        }
        long millis = Math.max(10, interval.toMillis());
        Task task = new Task(new WeakReference<>(sessions), false);
        ScheduledFuture<?> future = thread.every(task, millis, millis);
        task.future = future;
        Task keepalive = new Task(new WeakReference<>(sessions), true);
        ScheduledFuture<?> pings = thread.every(keepalive, KEEPALIVE_TICK_MILLIS, KEEPALIVE_TICK_MILLIS);
        keepalive.future = pings;
        return () -> {
            future.cancel(false);
            pings.cancel(false);
        };
    }

    private static final class Task implements Runnable {
        private final WeakReference<SessionLocks> sessions;
        private final boolean keepalive;
        volatile ScheduledFuture<?> future;

        Task(WeakReference<SessionLocks> sessions, boolean keepalive) {
            this.sessions = sessions;
            this.keepalive = keepalive;
        }

        @Override
        public void run() {
            SessionLocks locks = sessions.get();
            if (locks == null) {
                stop();
                return;
            }
            if (!keepalive) {
                locks.releaseLeaks();
            }
            if (locks.hasLiveHolds()) {
                pass(locks);
            }
        }

        /** Its {@code DbLocks} is gone: nothing to watch any more. */
        private void stop() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }

        /** One check or keepalive pass, logging what it found lost; a failed pass marks nothing. */
        private void pass(SessionLocks locks) {
            try {
                java.util.List<String> lost = keepalive ? locks.keepAlive() : locks.checkLive();
                if (!lost.isEmpty()) {
                    LOG.log(
                            Level.WARNING,
                            "session lock(s) found lost, their session no longer holds them: "
                                    + String.join("; ", lost));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "watchdog pass failed; nothing marked lost, trying again next interval", e);
            }
        }
    }
}
