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
}
