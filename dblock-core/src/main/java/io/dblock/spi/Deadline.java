package io.dblock.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A {@link Wait} that has started: its deadline on {@link System#nanoTime()}'s clock, and the longest wait the engine
 * can set on the server in one statement. The one place that answers "how long is left" and "is it without limit", for
 * dblock's core and for engines that split a wait over several statements.
 *
 * <p>Immutable and thread-safe.
 */
public final class Deadline {

    private final Wait wait;
    private final long start;
    private final Duration longest;

    private Deadline(Wait wait, long start, Duration longest) {
        this.wait = Objects.requireNonNull(wait, "wait");
        this.start = start;
        this.longest = Objects.requireNonNull(longest, "longest");
    }

    /**
     * A wait that started at {@code startNanos} ({@link System#nanoTime()}), on an engine whose longest server wait is
     * {@code longestWait} (see {@link LockEngine#longestWait()}).
     */
    public static Deadline of(Wait wait, long startNanos, Duration longestWait) {
        return new Deadline(wait, startNanos, longestWait);
    }

    /** A wait that started at {@code startNanos}, on an engine without a shorter limit than about 292 years. */
    public static Deadline of(Wait wait, long startNanos) {
        return new Deadline(wait, startNanos, Duration.ofNanos(Long.MAX_VALUE));
    }

    /** The wait as asked for. */
    public Wait asked() {
        return wait;
    }

    /** True for a wait without limit ({@link Wait#FOREVER}). */
    public boolean isInfinite() {
        return wait.isForever();
    }

    /**
     * What is left now: {@link Wait#FOREVER} for a wait without limit, {@link Wait#NONE} once the deadline has passed
     * (and for a wait that never waited), else the time to the deadline.
     */
    public Wait remaining() {
        if (wait.isForever() || wait.isNone()) {
            return wait;
        }
        Duration left = wait.limitOrNull().minusNanos(System.nanoTime() - start);
        return left.isNegative() || left.isZero() ? Wait.NONE : Wait.upTo(left);
    }

    /**
     * As {@link #remaining()}, but never less than {@code floor} for a wait that had a limit: for engines whose server
     * reads a zero limit as "forever" (PostgreSQL's {@code lock_timeout = 0}).
     */
    public Wait remainingAtLeast(Duration floor) {
        Wait left = remaining();
        if (wait.isForever() || wait.isNone()) {
            return left;
        }
        return left.isNone() || left.limitOrNull().compareTo(floor) < 0 ? Wait.upTo(floor) : left;
    }

    /**
     * The next wait to set on the server: what is left, at most the engine's longest wait. A wait without limit is
     * done as a series of longest waits, repeated until granted.
     */
    public Duration nextServerWait() {
        Wait left = remaining();
        if (left.isForever()) {
            return longest;
        }
        Duration limit = left.limitOrNull();
        return limit.compareTo(longest) > 0 ? longest : limit;
    }

    /**
     * The deadline on {@link System#nanoTime()}'s clock, for timed waits on a {@code Condition}; {@link Long#MAX_VALUE}
     * for a wait without limit.
     */
    public long deadlineNanos() {
        return wait.isForever()
                ? Long.MAX_VALUE
                : start + Math.min(wait.limitOrNull().toNanos(), Long.MAX_VALUE / 4);
    }

    @Override
    public String toString() {
        return wait + (wait.isForever() ? "" : ", " + remaining() + " left");
    }
}
