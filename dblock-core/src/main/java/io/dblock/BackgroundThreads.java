package io.dblock;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The background threads of one {@code DbLocks}: one daemon thread per kind of work (watchdog and keepalive, interrupt
 * checks, prioritising), each named {@code dblock-<n>-<kind>} with {@code n} the instance's number, started when there
 * is work and ended after 10 s without. {@link #close()} ends them all, and afterwards any new work is refused with
 * {@link LockUsageException}. No dblock thread is shared between instances, and none outlives its instance's close.
 */
final class BackgroundThreads implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BackgroundThreads.class.getName());

    /** Numbers instances in their thread names. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** How long {@link #close()} waits for a thread busy with a JDBC call to end. */
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    /** The prefix of this instance's thread names, {@code dblock-<n>-}. */
    final String threadNamePrefix = "dblock-" + INSTANCES.incrementAndGet() + "-";

    private final ReentrantLock lock = new ReentrantLock();
    private final List<ScheduledThreadPoolExecutor> started = new ArrayList<>();
    private boolean closed;

    /** The watchdog's and keepalive's thread. */
    final Kind watchdog = new Kind("watchdog");

    /** The thread that cancels the lock statements of interrupted threads. */
    final Kind interrupts = new Kind("interrupts");

    /** The thread that signals the blockers of prioritised waits. */
    final Kind prioritiser = new Kind("prioritiser");

    /** Looks for deadlocks through multiplexed connections while this instance's threads wait on the server. */
    final Kind deadlocks = new Kind("deadlocks");

    /** One kind of background work, on its own thread. */
    final class Kind {
        private final String name;
        private ScheduledThreadPoolExecutor executor;

        private Kind(String name) {
            this.name = name;
        }

        /**
         * Runs {@code task} once after {@code delayMillis}.
         *
         * @throws LockUsageException once the instance is closed
         */
        ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
            try {
                return executor().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) { // closed between executor() and schedule
                throw closed();
            }
        }

        /**
         * Runs {@code task} every {@code periodMillis} after the previous run ended, the first after {@code
         * firstMillis}.
         *
         * @throws LockUsageException once the instance is closed
         */
        ScheduledFuture<?> every(Runnable task, long firstMillis, long periodMillis) {
            try {
                return executor().scheduleWithFixedDelay(task, firstMillis, periodMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) { // closed between executor() and schedule
                throw closed();
            }
        }

        private LockUsageException closed() {
            return new LockUsageException("this DbLocks is closed: no new " + name + " work", null);
        }

        private ScheduledThreadPoolExecutor executor() {
            lock.lock();
            try {
                if (closed) {
                    throw closed();
                }
                if (executor == null) {
                    executor = start(threadNamePrefix + name);
                    started.add(executor);
                }
                return executor;
            } finally {
                lock.unlock();
            }
        }
    }

    private static ScheduledThreadPoolExecutor start(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.setKeepAliveTime(10, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /**
     * Ends every thread of this instance: queued work is dropped, running work is interrupted, and the call waits up to
     * 5 s for it to end (a thread inside a JDBC call ends when the call does). Idempotent.
     */
    @Override
    public void close() {
        List<ScheduledThreadPoolExecutor> executors;
        lock.lock();
        try {
            closed = true;
            executors = List.copyOf(started);
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        for (ScheduledThreadPoolExecutor executor : executors) {
            executor.shutdownNow();
        }
        for (ScheduledThreadPoolExecutor executor : executors) {
            awaitEnd(executor, deadline);
        }
    }

    private static void awaitEnd(ScheduledThreadPoolExecutor executor, long deadline) {
        try {
            if (!executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.log(Level.WARNING, "a dblock background thread is still busy after close; it ends with its call");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
