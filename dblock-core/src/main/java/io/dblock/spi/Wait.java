package io.dblock.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a lock request may wait on the server: not at all, up to a duration, or without limit.
 *
 * <p>Immutable and thread-safe.
 */
public final class Wait {

    /** Do not wait: the request is granted at once or refused. */
    public static final Wait NONE = new Wait(Duration.ZERO);

    /** Wait without limit. */
    public static final Wait FOREVER = new Wait(null);

    private final Duration limit;

    private Wait(Duration limit) {
        this.limit = limit;
    }

    /**
     * Wait up to {@code limit}; {@link Duration#ZERO} is {@link #NONE}.
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public static Wait upTo(Duration limit) {
        Objects.requireNonNull(limit, "wait duration must not be null");
        if (limit.isNegative()) {
            throw new IllegalArgumentException("wait duration must not be negative: " + limit);
        }
        return limit.isZero() ? NONE : new Wait(limit);
    }

    /** True for {@link #NONE}. */
    public boolean isNone() {
        return limit != null && limit.isZero();
    }

    /** True for {@link #FOREVER}. */
    public boolean isForever() {
        return limit == null;
    }

    /**
     * The limit in whole milliseconds, rounded up (so 1 ns waits 1 ms, never 0 = "forever" on PostgreSQL).
     *
     * @throws IllegalStateException for {@link #FOREVER}
     */
    public long millisRoundedUp() {
        if (limit == null) {
            throw new IllegalStateException("an unlimited wait has no length");
        }
        long millis = limit.toMillis();
        return limit.minusMillis(millis).isZero() ? millis : millis + 1;
    }

    /** The limit; {@code null} for {@link #FOREVER}. */
    public Duration limitOrNull() {
        return limit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Wait w && Objects.equals(w.limit, limit);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(limit);
    }

    @Override
    public String toString() {
        return limit == null ? "forever" : limit.isZero() ? "no wait" : "up to " + limit.toMillis() + " ms";
    }
}
