package io.dblock.spring.boot;

import io.dblock.DbLocks;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code dblock.*} configuration properties of the auto-configured {@link io.dblock.DbLocks} bean.
 *
 * <p>Durations take Spring Boot's formats: {@code 500ms}, {@code 2s}, {@code 1m}, ISO-8601 ({@code PT2S}), or a plain
 * number of milliseconds. Invalid values fail the application's start with the property's name, never fall back to a
 * default.
 */
@ConfigurationProperties(prefix = "dblock")
public class DbLocksProperties {

    /** Whether to auto-configure a DbLocks bean over the application's DataSource. */
    private boolean enabled = true;

    /**
     * How long lock acquisitions that name no timeout wait before failing with LockTimeoutException (acquire(),
     * withLock(...), acquireForTransaction(...), table locks). Unset: wait without limit. 0: do not wait. Must not be
     * negative.
     */
    private Duration defaultTimeout;

    /**
     * How often the watchdog checks that held session locks are still held on the server (a lock whose session was
     * terminated or whose server restarted is reported lost within one interval). 0 turns the watchdog off. Otherwise
     * at least 10ms.
     */
    private Duration watchdogInterval = Duration.ofSeconds(DbLocks.DEFAULT_WATCHDOG_SECONDS);

    /**
     * When the keepalive uses an idle pinned session again, as a fraction of the server's idle limit (PostgreSQL
     * idle_session_timeout, MySQL/MariaDB wait_timeout): 0 turns the keepalive off, at most 0.9. Default a third.
     */
    private double keepaliveAt = 1.0 / 3;

    /** How long closing the context waits for lock holders; unset: {@code spring.lifecycle.timeout-per-shutdown-phase}. */
    private Duration shutdownGrace;

    /**
     * What stands between dblock and the database: auto (detected on the first session lock), none, session (a
     * session-mode pooler: plain session locks) or transaction (session locks held in a transaction left open).
     */
    private io.dblock.Pooler pooler = io.dblock.Pooler.AUTO;

    /**
     * The pooler's limit on a client's idle transaction (PgBouncer idle_transaction_timeout), so that session locks held
     * in a transaction are kept alive within it: 0 (the default) for none, else at least 1 s.
     */
    private Duration poolerIdleTransactionTimeout = Duration.ZERO;

    /** Micrometer metrics of lock operations. */
    private final Metrics metrics = new Metrics();

    /** The dblock-spring annotations (@AdvisoryLock, @TableLock). */
    private final Annotations annotations = new Annotations();

    /** Restarts, failovers and standbys. */
    private final Failover failover = new Failover();

    /** The {@code dblock.multiplexing.*} properties. */
    private final Multiplexing multiplexing = new Multiplexing();

    /** Creates the properties with their defaults; Spring Boot binds them. */
    public DbLocksProperties() {}

    /**
     * The pooler setting ({@code DbLocks.Builder#pooler(Pooler)}).
     *
     * @return {@code AUTO} unless {@code dblock.pooler} says otherwise
     */
    public io.dblock.Pooler getPooler() {
        return pooler;
    }

    /**
     * Sets the pooler setting.
     *
     * @param pooler {@code auto}, {@code none}, {@code session} or {@code transaction}
     */
    public void setPooler(io.dblock.Pooler pooler) {
        this.pooler = java.util.Objects.requireNonNull(pooler, "dblock.pooler must not be empty");
    }

    /**
     * The pooler's idle-transaction limit ({@code DbLocks.Builder#pooler(Pooler, Duration)}).
     *
     * @return {@code 0} (none) unless {@code dblock.pooler-idle-transaction-timeout} says otherwise
     */
    public Duration getPoolerIdleTransactionTimeout() {
        return poolerIdleTransactionTimeout;
    }

    /**
     * Sets the pooler's idle-transaction limit.
     *
     * @param timeout 0 for none, else at least 1 s
     */
    public void setPoolerIdleTransactionTimeout(Duration timeout) {
        this.poolerIdleTransactionTimeout = java.util.Objects.requireNonNull(
                timeout, "dblock.pooler-idle-transaction-timeout must not be empty (0 for none)");
    }

    /**
     * Whether the {@code DbLocks} bean is auto-configured.
     *
     * @return {@code true} unless {@code dblock.enabled=false}
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether the {@code DbLocks} bean is auto-configured.
     *
     * @param enabled {@code false} to leave it out
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The default wait limit of the {@code DbLocks} bean's locks.
     *
     * @return the limit, or {@code null} to wait without limit
     */
    public Duration getDefaultTimeout() {
        return defaultTimeout;
    }

    /**
     * Sets the default wait limit.
     *
     * @param defaultTimeout the limit, zero for no waiting, or {@code null} to wait without limit
     * @throws IllegalArgumentException if negative
     */
    public void setDefaultTimeout(Duration defaultTimeout) {
        if (defaultTimeout != null && defaultTimeout.isNegative()) {
            throw new IllegalArgumentException("dblock.default-timeout must not be negative, got " + defaultTimeout
                    + " (leave it unset to wait without limit, or use 0 not to wait)");
        }
        this.defaultTimeout = defaultTimeout;
    }

    /**
     * How long closing the context waits for holders of session locks (told at once that their locks are lost) to
     * release them, before their sessions are ended.
     *
     * @return the grace, or {@code null} for Spring's {@code spring.lifecycle.timeout-per-shutdown-phase} (default 30 s)
     */
    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    /**
     * Sets the shutdown grace.
     *
     * @param shutdownGrace zero or more; {@code null} for Spring's shutdown-phase timeout
     * @throws IllegalArgumentException if negative
     */
    public void setShutdownGrace(Duration shutdownGrace) {
        if (shutdownGrace != null && shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("dblock.shutdown-grace must not be negative, got " + shutdownGrace);
        }
        this.shutdownGrace = shutdownGrace;
    }

    /**
     * The watchdog interval of the {@code DbLocks} bean.
     *
     * @return the interval, {@link Duration#ZERO} when off; default {@value DbLocks#DEFAULT_WATCHDOG_SECONDS} s
     */
    public Duration getWatchdogInterval() {
        return watchdogInterval;
    }

    /**
     * Sets the watchdog interval.
     *
     * @param watchdogInterval zero (off) or at least 10 ms
     * @throws IllegalArgumentException if {@code null}, negative or between zero and 10 ms
     */
    public void setWatchdogInterval(Duration watchdogInterval) {
        if (watchdogInterval == null
                || watchdogInterval.isNegative()
                || (!watchdogInterval.isZero() && watchdogInterval.toMillis() < 10)) {
            throw new IllegalArgumentException(
                    "dblock.watchdog-interval must be 0 (off) or at least 10ms, got " + watchdogInterval);
        }
        this.watchdogInterval = watchdogInterval;
    }

    /**
     * The keepalive's fraction of the server's idle limit for the {@code DbLocks} bean.
     *
     * @return the fraction, 0 when the keepalive is off; default a third
     */
    public double getKeepaliveAt() {
        return keepaliveAt;
    }

    /**
     * Sets the keepalive's fraction of the server's idle limit ({@code DbLocks.Builder#keepaliveAt(double)}).
     *
     * @param keepaliveAt 0 (off) to 0.9
     * @throws IllegalArgumentException if outside that range or not a number
     */
    public void setKeepaliveAt(double keepaliveAt) {
        if (!(keepaliveAt >= 0 && keepaliveAt <= 0.9)) {
            throw new IllegalArgumentException(
                    "dblock.keepalive-at must be between 0 (off) and 0.9, got " + keepaliveAt);
        }
        this.keepaliveAt = keepaliveAt;
    }

    /**
     * The {@code dblock.annotations.*} properties.
     *
     * @return the annotation properties, never {@code null}
     */
    public Annotations getAnnotations() {
        return annotations;
    }

    /**
     * The {@code dblock.failover.*} properties.
     *
     * @return the failover properties, never {@code null}
     */
    public Failover getFailover() {
        return failover;
    }

    /**
     * The {@code dblock.multiplexing.*} properties.
     *
     * @return the multiplexing properties, never {@code null}
     */
    public Multiplexing getMultiplexing() {
        return multiplexing;
    }

    /**
     * The {@code dblock.multiplexing.*} properties: how session locks share connections ({@link
     * io.dblock.Multiplexing}).
     */
    public static class Multiplexing {

        /** Whether many holders share a bounded set of connections; false gives each holding thread its own. */
        private boolean enabled = true;

        /** The most connections session locks use at once; unset: half the pool (at least 2, at most the pool). */
        private Integer maxConnections;

        /** Creates the multiplexing properties with their defaults. */
        public Multiplexing() {}

        /**
         * Whether session locks are multiplexed.
         *
         * @return {@code true} unless {@code dblock.multiplexing.enabled=false}
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether session locks are multiplexed.
         *
         * @param enabled {@code false} for one connection per holding thread
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The bound on connections.
         *
         * @return {@code null} (half the pool) unless {@code dblock.multiplexing.max-connections} is set
         */
        public Integer getMaxConnections() {
            return maxConnections;
        }

        /**
         * Sets the bound on connections.
         *
         * @param maxConnections at least 1; size the pool as the application's peak plus this
         */
        public void setMaxConnections(Integer maxConnections) {
            this.maxConnections = maxConnections;
        }

        /** The core's value for these properties. */
        io.dblock.Multiplexing toMultiplexing() {
            if (!enabled) {
                return io.dblock.Multiplexing.off();
            }
            return maxConnections == null
                    ? io.dblock.Multiplexing.defaults()
                    : io.dblock.Multiplexing.upTo(maxConnections);
        }
    }

    /** The {@code dblock.failover.*} properties: what dblock does about restarts, failovers and standbys. */
    public static class Failover {

        /**
         * How long after a server came up (restart or promotion) no session lock is taken on it, so that the holders
         * of the locks it lost are told first. Unset: the holders' detection bound (the watchdog interval + 5 s); 0
         * turns it off.
         */
        private Duration grace;

        /** Whether session locks may be taken on a standby, where they exclude nothing on the primary. */
        private boolean allowStandby = false;

        /** Creates the failover properties with their defaults. */
        public Failover() {}

        /**
         * The grace period.
         *
         * @return {@code null} (the detection bound) unless {@code dblock.failover.grace} is set
         */
        public Duration getGrace() {
            return grace;
        }

        /**
         * Sets the grace period.
         *
         * @param grace 0 for none, at most 1 day
         */
        public void setGrace(Duration grace) {
            this.grace = grace;
        }

        /**
         * Whether session locks may be taken on a standby.
         *
         * @return {@code false} unless {@code dblock.failover.allow-standby=true}
         */
        public boolean isAllowStandby() {
            return allowStandby;
        }

        /**
         * Sets whether session locks may be taken on a standby.
         *
         * @param allowStandby {@code true} for applications that coordinate on the standby itself
         */
        public void setAllowStandby(boolean allowStandby) {
            this.allowStandby = allowStandby;
        }

        /** The core's value for these properties. */
        io.dblock.Failover toFailover() {
            io.dblock.Failover value = io.dblock.Failover.defaults();
            if (grace != null) {
                value = value.withGrace(grace);
            }
            return allowStandby ? value.allowingStandby() : value;
        }
    }

    /**
     * The {@code dblock.metrics.*} properties.
     *
     * @return the metrics properties, never {@code null}
     */
    public Metrics getMetrics() {
        return metrics;
    }

    /** The {@code dblock.annotations.*} properties: dblock-spring's method annotations. */
    public static class Annotations {

        /**
         * Whether to turn on @AdvisoryLock and @TableLock on the application's beans (when dblock-spring is on the class
         * path), as @EnableDbLocks does with its defaults. An @EnableDbLocks of the application takes precedence.
         */
        private boolean enabled = true;

        /** Creates the annotation properties with their defaults. */
        public Annotations() {}

        /**
         * Whether the annotations are turned on.
         *
         * @return {@code true} unless {@code dblock.annotations.enabled=false}
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether the annotations are turned on.
         *
         * @param enabled {@code false} to leave annotated methods unlocked (unless the application has
         *     {@code @EnableDbLocks})
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The {@code dblock.metrics.*} properties: Micrometer metrics of lock operations. */
    public static class Metrics {

        /** Whether to record Micrometer metrics of lock operations (when Micrometer and a MeterRegistry are present). */
        private boolean enabled = true;

        /**
         * Whether to tag lock metrics with the lock's name (tag "lock", e.g. 'advisory "invoice:42"'). Off by default:
         * each distinct name makes new time series, so turn it on only when the application locks a small, fixed set of
         * names.
         */
        private boolean lockNameTag = false;

        /** Creates the metrics properties with their defaults. */
        public Metrics() {}

        /**
         * Whether metrics are recorded.
         *
         * @return {@code true} unless {@code dblock.metrics.enabled=false}
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether metrics are recorded.
         *
         * @param enabled {@code false} to record none
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * Whether meters carry the lock's name as tag {@code lock}.
         *
         * @return {@code false} unless {@code dblock.metrics.lock-name-tag=true}
         */
        public boolean isLockNameTag() {
            return lockNameTag;
        }

        /**
         * Sets whether meters carry the lock's name as tag {@code lock}.
         *
         * @param lockNameTag {@code true} to add the tag (unbounded cardinality if names are)
         */
        public void setLockNameTag(boolean lockNameTag) {
            this.lockNameTag = lockNameTag;
        }
    }
}
