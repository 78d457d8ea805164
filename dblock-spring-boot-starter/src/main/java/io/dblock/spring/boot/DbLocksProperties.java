package io.dblock.spring.boot;

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

    /** Micrometer metrics of lock operations. */
    private final Metrics metrics = new Metrics();

    /** Creates the properties with their defaults; Spring Boot binds them. */
    public DbLocksProperties() {}

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
     * The {@code dblock.metrics.*} properties.
     *
     * @return the metrics properties, never {@code null}
     */
    public Metrics getMetrics() {
        return metrics;
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
