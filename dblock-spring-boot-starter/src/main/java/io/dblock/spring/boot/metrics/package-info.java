/**
 * Micrometer metrics of lock operations: {@link io.dblock.spring.boot.metrics.MicrometerLockListener}, registered on
 * the auto-configured {@code DbLocks} by {@link io.dblock.spring.boot.metrics.DbLocksMetricsAutoConfiguration}.
 */
package io.dblock.spring.boot.metrics;
