package io.dblock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The options of one {@link DbLocks}, as its {@link DbLocks.Builder} collects them: each setter checks its value, so
 * a bad option fails where it is given and changes nothing. Not thread-safe, like the builder.
 */
final class LockSettings {

    /** The longest watchdog interval; longer is refused (the watchdog would never look). */
    private static final Duration LONGEST_WATCHDOG_INTERVAL = Duration.ofDays(365);

    /** The shortest watchdog interval other than zero (off). */
    private static final Duration SHORTEST_WATCHDOG_INTERVAL = Duration.ofMillis(10);

    /** Null means wait without limit. */
    Duration defaultTimeout;

    final List<LockListener> listeners = new ArrayList<>();
    Duration watchdogInterval = Duration.ofSeconds(DbLocks.DEFAULT_WATCHDOG_SECONDS);
    TableName fencingTable = TableName.of(DbLocks.DEFAULT_FENCING_TABLE);
    boolean recordSites = true;

    /** The share of the server's idle limit after which the keepalive uses an idle pinned session; 0 is off. */
    double keepaliveFraction = 1.0 / 3;

    /** How long the server keeps a pinned session whose client went silent; zero leaves the server's own TCP timeout. */
    Duration silentClientBound = Duration.ofSeconds(30);

    /** The shortest silent-client bound: three times a liveness check's network bound, so the holder is told first. */
    static final Duration SHORTEST_SILENT_CLIENT_BOUND = Duration.ofMillis(3 * SessionLiveness.CHECK_BOUND_MILLIS);

    /** The latest allowed keepalive, as a share of the idle limit: later leaves no room for a slow ping. */
    static final double LATEST_KEEPALIVE = 0.9;

    Duration shutdownGrace = Duration.ofSeconds(DbLocks.DEFAULT_SHUTDOWN_GRACE_SECONDS);

    /** Restarts, failovers and standbys. */
    Failover failover = Failover.defaults();

    /**
     * The grace period in effect: as set with {@link Failover#withGrace}, else the JVM's {@value
     * Failover#GRACE_PROPERTY} system property (an ISO-8601 duration such as {@code PT0S}), else the holders' detection
     * bound (none with the watchdog off).
     */
    Duration grace() {
        if (failover.grace().isPresent()) {
            return failover.grace().get();
        }
        String property = System.getProperty(Failover.GRACE_PROPERTY);
        if (property != null) {
            try {
                return Failover.defaults()
                        .withGrace(Duration.parse(property.trim()))
                        .grace()
                        .orElseThrow();
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "system property " + Failover.GRACE_PROPERTY + " must be an ISO-8601 duration such as PT0S or"
                                + " PT15S: " + property,
                        e);
            }
        }
        return watchdogInterval.isZero() ? Duration.ZERO : watchdogInterval.plusMillis(NetworkBound.MARGIN_MILLIS);
    }

    /** What stands between dblock and the server; {@link Pooler#AUTO} finds out on the first pin. */
    Pooler pooler = Pooler.AUTO;

    /** How session locks share connections. */
    Multiplexing multiplexing = Multiplexing.defaults();

    /** The pooler's own limit on a client's idle transaction (PgBouncer idle_transaction_timeout); ZERO for none. */
    Duration poolerIdleLimit = Duration.ZERO;

    void pooler(Pooler value) {
        pooler = Objects.requireNonNull(value, "pooler must not be null (Pooler.AUTO detects one)");
    }

    void poolerIdleLimit(Duration limit) {
        Objects.requireNonNull(limit, "idle transaction limit must not be null (Duration.ZERO for none)");
        if (limit.isNegative() || (!limit.isZero() && limit.compareTo(Duration.ofSeconds(1)) < 0)) {
            throw new IllegalArgumentException(
                    "idle transaction limit must be zero (none) or at least 1 s (PgBouncer counts whole seconds): "
                            + limit);
        }
        poolerIdleLimit = limit;
    }

    void defaultTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "default timeout must not be null (leave it unset to wait without limit)");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("default timeout must not be negative: " + timeout);
        }
        defaultTimeout = timeout;
    }

    void watchdog(Duration interval) {
        Objects.requireNonNull(interval, "watchdog interval must not be null (Duration.ZERO turns it off)");
        if (interval.isNegative() || (!interval.isZero() && interval.compareTo(SHORTEST_WATCHDOG_INTERVAL) < 0)) {
            throw new IllegalArgumentException(
                    "watchdog interval must be zero (off) or at least 10 ms, got " + interval);
        }
        if (interval.compareTo(LONGEST_WATCHDOG_INTERVAL) > 0) {
            throw new IllegalArgumentException("watchdog interval must be at most 365 days, got " + interval
                    + "; Duration.ZERO turns the watchdog off");
        }
        watchdogInterval = interval;
    }

    void keepaliveAt(double fraction) {
        if (!(fraction >= 0 && fraction <= LATEST_KEEPALIVE)) { // also refuses NaN
            throw new IllegalArgumentException("keepalive fraction of the idle limit must be between 0 (off) and "
                    + LATEST_KEEPALIVE + ", got " + fraction);
        }
        keepaliveFraction = fraction;
    }

    void silentClientBound(Duration bound) {
        Objects.requireNonNull(bound, "silent-client bound must not be null (Duration.ZERO leaves the server's own)");
        if (!bound.isZero() && (bound.compareTo(SHORTEST_SILENT_CLIENT_BOUND) < 0 || bound.toDays() > 0)) {
            throw new IllegalArgumentException("silent-client bound must be zero (off) or between "
                    + SHORTEST_SILENT_CLIENT_BOUND.toSeconds() + " s and 1 day, got " + bound);
        }
        silentClientBound = bound;
    }

    void listener(LockListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    void fencingTable(String qualifiedName) {
        Objects.requireNonNull(qualifiedName, "fencing table name must not be null");
        fencingTable = TableName.parse(qualifiedName);
    }

    void shutdownGrace(Duration grace) {
        shutdownGrace = checkGrace(grace);
    }

    /** A shutdown grace, checked: not null, not negative. */
    static Duration checkGrace(Duration grace) {
        Objects.requireNonNull(grace, "shutdown grace must not be null");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("shutdown grace must not be negative, got " + grace);
        }
        return grace;
    }
}
