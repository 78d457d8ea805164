package io.dblock;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What dblock does about server restarts, failovers and standbys ({@link DbLocks.Builder#failover(Failover)}).
 * Immutable and thread-safe; each {@code with...} returns a new value.
 *
 * <p><b>Grace period.</b> Session locks live in one server's memory: when it restarts, or a standby is promoted, every
 * lock is gone at once, and the old holders find out only at their next check. So dblock does not take a session lock
 * on a server that came up less than the grace period ago: it waits until the period has passed (within the request's
 * own wait; {@code tryAcquire()} is refused meanwhile), by which time every holder using the same settings has been
 * told ({@link LockHandle#onLost}). The default period is the holders' detection bound: the watchdog interval plus the
 * 5 s network bound of its check (15 s with the defaults; none with the watchdog off, since holders are then never
 * told), unless the {@value #GRACE_PROPERTY} system property says otherwise. The server says when it came up (PostgreSQL {@code pg_postmaster_start_time()} and the newest timeline history
 * file, for a promotion, where the role may list {@code pg_wal}; MySQL/MariaDB {@code Uptime}), read once per physical
 * connection. The time left shows in {@link io.dblock.inspect.LockInspector#graceLeft()} and to listeners ({@link
 * LockListener#graceWaited}).
 *
 * <p><b>Standbys.</b> A hot standby grants advisory locks (PostgreSQL: {@code pg_try_advisory_lock} is true while
 * {@code pg_is_in_recovery()} is), but they exclude nothing on the primary. A session lock on a standby or replica is
 * refused ({@link LockUsageException}, naming the URL setting that picks the primary) unless {@link
 * #allowingStandby()}.
 */
public final class Failover {

    /**
     * The system property that sets the default grace period of the JVM (an ISO-8601 duration: {@code PT0S} turns it
     * off), where {@link #withGrace} is not used: for test suites on throw-away servers, which are all "just started".
     * The embedded servers of {@code dblock-testing} set it to {@code PT0S} unless it is set.
     */
    public static final String GRACE_PROPERTY = "dblock.failover.grace";

    private static final Failover DEFAULTS = new Failover(null, false);

    private final Duration grace;
    private final boolean allowStandby;

    private Failover(Duration grace, boolean allowStandby) {
        this.grace = grace;
        this.allowStandby = allowStandby;
    }

    /** The default: the grace period of the holders' detection bound, and no locks on a standby. */
    public static Failover defaults() {
        return DEFAULTS;
    }

    /**
     * This, with a grace period of {@code grace}; {@link Duration#ZERO} turns it off. Set the same on every node: the
     * period must cover the longest detection bound among the holders (their watchdog interval + 5 s).
     *
     * @throws IllegalArgumentException if negative or longer than one day
     */
    public Failover withGrace(Duration grace) {
        Objects.requireNonNull(grace, "grace must not be null (Duration.ZERO turns it off)");
        if (grace.isNegative() || grace.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("grace must be between 0 (off) and 1 day: " + grace);
        }
        return new Failover(grace, allowStandby);
    }

    /** This, allowing session locks on a standby, for applications that really coordinate there. */
    public Failover allowingStandby() {
        return new Failover(grace, true);
    }

    /** The grace period set with {@link #withGrace}; empty for the default (the holders' detection bound). */
    public Optional<Duration> grace() {
        return Optional.ofNullable(grace);
    }

    /** Whether session locks may be taken on a standby. */
    public boolean allowsStandby() {
        return allowStandby;
    }

    @Override
    public String toString() {
        return "Failover[grace=" + (grace == null ? "detection bound" : grace) + ", allowStandby=" + allowStandby + "]";
    }
}
