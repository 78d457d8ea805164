package io.dblock.internal;

import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Checks, every interval, that the sessions holding a {@code DbLocks}' session locks still hold them, from one shared
 * daemon thread. A pass borrows one connection only while locks are held, and asks the server one question per pinned
 * connection ({@code pg_locks} / {@code IS_USED_LOCK}). A failing pass (the server unreachable) proves nothing and
 * marks nothing lost; the next pass tries again. The task holds its {@code DbLocks} weakly and stops once it is gone.
 */
final class Watchdog {

    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());
    private static final ScheduledThreadPoolExecutor SCHEDULER = scheduler();

    private Watchdog() {}

    static void start(SessionLocks sessions, DataSource dataSource, Duration interval) {
        if (interval == null || interval.isZero()) {
            return;
        }
        long millis = Math.max(10, interval.toMillis());
        Task task = new Task(new WeakReference<>(sessions), dataSource);
        task.future = SCHEDULER.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    private static final class Task implements Runnable {
        private final WeakReference<SessionLocks> sessions;
        private final DataSource dataSource;
        volatile ScheduledFuture<?> future;

        Task(WeakReference<SessionLocks> sessions, DataSource dataSource) {
            this.sessions = sessions;
            this.dataSource = dataSource;
        }

        @Override
        public void run() {
            SessionLocks locks = sessions.get();
            if (locks == null) {
                ScheduledFuture<?> f = future;
                if (f != null) {
                    f.cancel(false);
                }
                return;
            }
            locks.releaseLeaks();
            if (locks.live.isEmpty()) {
                return;
            }
            try (Connection probe = dataSource.getConnection()) {
                java.util.List<String> lost = locks.checkLive(probe);
                if (!lost.isEmpty()) {
                    LOG.log(
                            Level.WARNING,
                            "session lock(s) found lost, their connection no longer holds them: "
                                    + String.join("; ", lost));
                }
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.DEBUG, "watchdog pass failed; nothing marked lost, trying again next interval", e);
            }
        }
    }

    private static ScheduledThreadPoolExecutor scheduler() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dblock-watchdog");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
