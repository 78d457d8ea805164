package io.dblock;

import io.dblock.spi.Deadline;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Before the first lock statement on a newly pinned connection whose server came up less than the grace period ago
 * ({@link Failover}): the request waits until the period ends, within its own deadline, so that every holder of the
 * lost locks has been told before anyone is granted them again. Interruptible; a {@code try} request waits nothing and
 * is refused.
 */
final class GraceWait {

    private GraceWait() {}

    /**
     * Waits out the pin's grace period, if it has one left.
     *
     * @return false if the request's deadline comes first (nothing granted: the caller refuses the request)
     * @throws LockInterruptedException if the thread is interrupted while it waits
     */
    static boolean await(
            Pin pin, Deadline deadline, String description, String engine, Listeners listeners, long start) {
        long ends = pin.graceEndsNanos;
        if (ends == 0 || ends - System.nanoTime() <= 0) {
            return true;
        }
        long waitFrom = System.nanoTime();
        long until = deadline.isInfinite() ? ends : Math.min(ends, deadline.deadlineNanos());
        try {
            for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
                LockSupport.parkNanos(GraceWait.class, left);
                if (Thread.currentThread().isInterrupted()) {
                    throw Errors.interrupted(description, engine, Durations.since(start), null);
                }
            }
        } finally {
            listeners.graceWaited(description, Duration.ofNanos(System.nanoTime() - waitFrom));
        }
        if (ends - System.nanoTime() > 0) {
            return false;
        }
        pin.graceEndsNanos = 0;
        return true;
    }
}
