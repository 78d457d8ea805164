package io.dblock;

import io.dblock.spi.WaitGuard;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cancels lock statements whose thread has been interrupted.
 *
 * <p>A thread blocked in a JDBC call does not notice {@link Thread#interrupt()}: the driver is reading a socket. So
 * while a lock statement runs, it is registered here, and one shared daemon thread checks the registered threads'
 * interrupt flags every {@value #PERIOD_MILLIS} ms and calls {@link Statement#cancel()} (PostgreSQL: a cancel request
 * on a separate socket) for those interrupted. The checking task stops itself when nothing is registered. One watcher
 * per {@code DbLocks}, on its {@link BackgroundThreads#interrupts} thread.
 */
final class InterruptWatcher implements WaitGuard {

    private static final long PERIOD_MILLIS = 20;
    private static final System.Logger LOG = System.getLogger(InterruptWatcher.class.getName());

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean();
    private final BackgroundThreads.Kind thread;

    InterruptWatcher(BackgroundThreads.Kind thread) {
        this.thread = thread;
    }

    /**
     * Watches {@code statement} until the registration is closed.
     *
     * @throws LockUsageException if the {@code DbLocks} is closed
     */
    @Override
    public Registration watch(Statement statement) {
        Watch w = new Watch(Thread.currentThread(), statement);
        watches.add(w);
        try {
            arm();
        } catch (LockUsageException closed) {
            watches.remove(w);
            throw closed;
        }
        return w;
    }

    /** Schedules the next check unless one is scheduled. */
    private void arm() {
        if (running.compareAndSet(false, true)) {
            try {
                thread.schedule(this::check, PERIOD_MILLIS);
            } catch (LockUsageException closed) {
                running.set(false);
                throw closed;
            }
        }
    }

    private void check() {
        for (Watch w : watches) {
            if (w.thread.isInterrupted()) {
                w.cancel();
            }
        }
        running.set(false);
        // Re-arm while anything is registered; a registration racing with this line re-arms it itself.
        if (!watches.isEmpty()) {
            try {
                arm();
            } catch (LockUsageException closed) {
                LOG.log(Level.DEBUG, "DbLocks closed: interrupts of lock waits still running are no longer watched");
            }
        }
    }

    private final class Watch implements Registration {
        final Thread thread;
        private final Statement statement;
        private boolean closed;
        private boolean cancelled;

        Watch(Thread thread, Statement statement) {
            this.thread = thread;
            this.statement = statement;
        }

        /**
         * Guards {@link #closed} and {@link #cancelled}, and keeps {@code close()} from returning while a cancel (a JDBC
         * call) is under way. A lock, not {@code synchronized}: a virtual thread waiting in {@code close()} must not pin
         * its carrier (JDK 21 to 23) while the watcher thread runs the driver's cancel.
         */
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

        void cancel() {
            lock.lock();
            try {
                if (closed || cancelled) {
                    return;
                }
                cancelled = true;
                try {
                    statement.cancel();
                } catch (SQLException | RuntimeException e) {
                    LOG.log(
                            Level.WARNING,
                            "could not cancel the lock wait of interrupted thread " + thread.getName(),
                            e);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                closed = true;
                watches.remove(this);
            } finally {
                lock.unlock();
            }
        }
    }
}
