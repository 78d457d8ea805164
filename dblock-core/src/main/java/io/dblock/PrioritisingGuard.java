package io.dblock;

import io.dblock.inspect.SessionInfo;
import io.dblock.spi.LockEngine;
import io.dblock.spi.WaitGuard;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import javax.sql.DataSource;

/**
 * Watches a waiting lock statement like {@link InterruptWatcher} and, per {@link Priority}, signals the sessions that
 * block it, from a shared daemon thread and a connection borrowed for the duration of the wait.
 */
final class PrioritisingGuard implements WaitGuard {

    private static final System.Logger LOG = System.getLogger(Priority.class.getName());

    private final DataSource dataSource;
    private final io.dblock.spi.Prioritising prioritising;
    private final io.dblock.spi.Inspection inspection;
    private final io.dblock.spi.SessionControl control;
    private final Priority priority;
    private final PoolerSetting pooler;
    private final long waiterId;
    private final String description;
    private final InterruptWatcher interrupts;
    private final BackgroundThreads.Kind thread;

    PrioritisingGuard(
            DataSource dataSource,
            LockEngine engine,
            Priority priority,
            long waiterId,
            String description,
            WaitGuards guards) {
        this.dataSource = dataSource;
        this.pooler = guards.pooler;
        this.prioritising = Facets.require(engine, io.dblock.spi.Prioritising.class, description);
        this.inspection = Facets.require(engine, io.dblock.spi.Inspection.class, description);
        this.control = Facets.require(engine, io.dblock.spi.SessionControl.class, description);
        this.priority = priority;
        this.waiterId = waiterId;
        this.description = description;
        this.interrupts = guards.interrupts;
        this.thread = guards.prioritiser;
    }

    @Override
    public Registration watch(Statement statement) {
        Registration interruptWatch = interrupts.watch(statement);
        Check check = new Check();
        long first = Math.max(20, priority.grace().toMillis());
        try {
            check.future = thread.every(check::run, first, priority.interval().toMillis());
        } catch (LockUsageException closed) {
            interruptWatch.close();
            throw closed;
        }
        return () -> {
            check.stop();
            interruptWatch.close();
        };
    }

    private final class Check {
        volatile ScheduledFuture<?> future;
        private Connection connection;
        /** Puts back what {@link PoolerSetting#adapt} changed on {@link #connection}. */
        private Runnable restore = () -> {};

        private boolean stopped;

        /** Guards the connection and {@link #stopped}; a lock, not {@code synchronized} (see {@link #run()}). */
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

        /**
         * One pass, on the scheduler's thread. Holds {@link #lock} across its JDBC calls, so {@link #stop()} (called by
         * the waiting thread, perhaps a virtual one) waits for the pass to end; with a {@code java.util.concurrent}
         * lock that wait does not pin a virtual thread's carrier (JDK 21 to 23), as {@code synchronized} would.
         */
        void run() {
            lock.lock();
            try {
                runLocked();
            } finally {
                lock.unlock();
            }
        }

        private void runLocked() {
            if (stopped) {
                return;
            }
            try {
                if (connection == null) {
                    connection = dataSource.getConnection();
                    restore = pooler.adapt(connection);
                }
                for (Long victim : victims()) {
                    if (stopped) {
                        return;
                    }
                    signal(victim);
                }
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.WARNING, "could not prioritise " + description + "; it waits on as usual", e);
                closeConnection();
            }
        }

        /** The sessions blocking the waiter now that the priority's filter picks, in the order the engine gave. */
        private Set<Long> victims() throws SQLException {
            Set<Long> blockers = prioritising.blockers(connection, waiterId);
            blockers.remove(waiterId);
            Set<Long> victims = new LinkedHashSet<>();
            if (blockers.isEmpty()) {
                return victims;
            }
            Map<Long, SessionInfo> sessions = inspection.sessions(connection, blockers);
            for (Long blocker : blockers) {
                SessionInfo session = sessions.getOrDefault(blocker, SessionInfo.unknown(blocker));
                if (priority.filter().test(session)) {
                    victims.add(blocker);
                }
            }
            return victims;
        }

        /** Cancels or terminates one victim's session, as the priority says, and logs what came of it. */
        private void signal(long victim) throws SQLException {
            boolean done;
            try {
                done = priority.terminates()
                        ? control.terminate(connection, victim)
                        : control.cancel(connection, victim);
            } catch (LockUsageException refused) {
                // a server process (autovacuum, replication) or one this role may not signal: left alone, the other
                // blockers are still dealt with
                LOG.log(
                        Level.INFO,
                        () -> "left session " + victim + " blocking " + description + " alone: "
                                + refused.getMessage());
                return;
            }
            LOG.log(Level.INFO, () -> signalled(victim, done));
        }

        private String signalled(long victim, boolean done) {
            return (priority.terminates() ? "terminated" : "cancelled") + " session " + victim + " blocking "
                    + description + " (waiting session " + waiterId + ")" + (done ? "" : ": it had already gone");
        }

        void stop() {
            lock.lock();
            try {
                stopped = true;
                ScheduledFuture<?> f = future;
                if (f != null) {
                    f.cancel(false);
                }
                closeConnection();
            } finally {
                lock.unlock();
            }
        }

        private void closeConnection() {
            if (connection != null) {
                try {
                    restore.run();
                    connection.close();
                } catch (SQLException e) {
                    LOG.log(Level.DEBUG, "closing the prioritiser's connection failed", e);
                }
                connection = null;
            }
        }
    }
}
