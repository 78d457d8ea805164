package io.dblock.spring.boot.metrics;

import io.dblock.spring.boot.DbLocksAutoConfiguration;
import io.dblock.spring.boot.DbLocksProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures {@link MicrometerLockListener}, which the {@code DbLocks} bean of {@link DbLocksAutoConfiguration}
 * picks up as a {@link io.dblock.LockListener}.
 *
 * <p>Active when Micrometer is on the class path, a {@link MeterRegistry} bean exists (Spring Boot Actuator's, or the
 * application's own), and neither {@code dblock.enabled} nor {@code dblock.metrics.enabled} is {@code false}. Runs
 * after Spring Boot's meter-registry auto-configurations, named for both Spring Boot lines because Spring Boot 4 moved
 * them from {@code spring-boot-actuator-autoconfigure} to {@code spring-boot-micrometer-metrics}, and before {@link
 * DbLocksAutoConfiguration}, because a listener must be registered before the {@code DbLocks} is built.
 */
@AutoConfiguration(
        before = DbLocksAutoConfiguration.class,
        afterName = {
            // Spring Boot 3
            "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
            // Spring Boot 4
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
        })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(
        prefix = "dblock",
        name = {"enabled", "metrics.enabled"},
        havingValue = "true",
        matchIfMissing = true)
@EnableConfigurationProperties(DbLocksProperties.class)
public class DbLocksMetricsAutoConfiguration {

    /** Creates the auto-configuration; Spring Boot does this. */
    public DbLocksMetricsAutoConfiguration() {}

    /**
     * The listener that records lock metrics in {@code registry}.
     *
     * @param registry the application's meter registry
     * @param properties the {@code dblock.*} properties ({@code dblock.metrics.lock-name-tag})
     * @return the listener; also usable on a {@code DbLocks} the application builds itself
     */
    @Bean
    @ConditionalOnMissingBean
    public MicrometerLockListener dbLocksMicrometerListener(MeterRegistry registry, DbLocksProperties properties) {
        return new MicrometerLockListener(registry, properties.getMetrics().isLockNameTag());
    }

    /**
     * At start, once every singleton exists: registers the {@code DbLocks} bean's engine with the listener ({@link
     * MicrometerLockListener#registerFor}), so {@value MicrometerLockListener#LOST} and {@value
     * MicrometerLockListener#HELD_ACTIVE} show 0 before the first lock event. Nothing when there is no single {@code
     * DbLocks} bean.
     *
     * @param locks the {@code DbLocks} bean, if any
     * @param listener the listener bean
     * @return the callback Spring runs after the singletons are created
     */
    @Bean
    public org.springframework.beans.factory.SmartInitializingSingleton dbLocksMetricsAtStart(
            org.springframework.beans.factory.ObjectProvider<io.dblock.DbLocks> locks,
            org.springframework.beans.factory.ObjectProvider<MicrometerLockListener> listener) {
        return () -> locks.ifUnique(bean -> listener.ifUnique(l -> l.registerFor(bean.engineName())));
    }

    /**
     * Gauges of the connections the {@code DbLocks} bean uses for session locks ({@code LockInspector.connections()}),
     * read at each scrape without SQL: {@value #CONNECTIONS_ACTIVE} (in use now), {@value #CONNECTIONS_MAX} (the
     * multiplexing bound, 0 when not multiplexed) and {@value #CONNECTIONS_HOLDS_MAX} (the most server-side holds on one
     * connection). Registered at start, 0 until the bean exists.
     *
     * @param locks the {@code DbLocks} bean, looked up at each scrape (it is built after the registry)
     * @return the binder
     */
    @Bean
    public io.micrometer.core.instrument.binder.MeterBinder dbLocksConnectionMetrics(
            org.springframework.beans.factory.ObjectProvider<io.dblock.DbLocks> locks) {
        return registry -> {
            io.micrometer.core.instrument.Gauge.builder(
                            CONNECTIONS_ACTIVE, locks, p -> use(p, io.dblock.inspect.ConnectionUse::inUse))
                    .description("connections in use for session locks")
                    .register(registry);
            io.micrometer.core.instrument.Gauge.builder(
                            CONNECTIONS_MAX, locks, p -> use(p, io.dblock.inspect.ConnectionUse::maxConnections))
                    .description("the most connections multiplexed session locks may use (0: not multiplexed)")
                    .register(registry);
            io.micrometer.core.instrument.Gauge.builder(
                            CONNECTIONS_HOLDS_MAX,
                            locks,
                            p -> use(p, c -> c.holdsPerConnection().stream()
                                    .mapToInt(Integer::intValue)
                                    .max()
                                    .orElse(0)))
                    .description("the most server-side holds on one connection")
                    .register(registry);
        };
    }

    /** Gauge of connections in use for session locks. */
    public static final String CONNECTIONS_ACTIVE = "dblock.connections.active";

    /** Gauge of the multiplexing bound. */
    public static final String CONNECTIONS_MAX = "dblock.connections.max";

    /** Gauge of the most holds on one connection. */
    public static final String CONNECTIONS_HOLDS_MAX = "dblock.connections.holds.max";

    private static double use(
            org.springframework.beans.factory.ObjectProvider<io.dblock.DbLocks> locks,
            java.util.function.ToIntFunction<io.dblock.inspect.ConnectionUse> value) {
        io.dblock.DbLocks bean = locks.getIfUnique();
        return bean == null ? 0 : value.applyAsInt(bean.inspector().connections());
    }
}
