package io.dblock.spring.boot;

import io.dblock.DbLocks;
import io.dblock.LockListener;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures a {@link DbLocks} bean over the application's {@link DataSource}.
 *
 * <p>Active when there is exactly one {@code DataSource} bean (or one marked {@code @Primary}), no {@code DbLocks} bean
 * yet, and {@code dblock.enabled} is not {@code false}. The bean is built in this order:
 *
 * <ol>
 *   <li>{@code DbLocks.builder(dataSource)};
 *   <li>{@code dblock.default-timeout}, if set, {@code dblock.watchdog-interval} and the shutdown grace: {@code
 *       dblock.shutdown-grace}, else Spring's {@code spring.lifecycle.timeout-per-shutdown-phase}, else 30 s;
 *   <li>every {@link LockListener} bean, in {@code @Order} order (the Micrometer listener of {@link
 *       io.dblock.spring.boot.metrics.DbLocksMetricsAutoConfiguration} among them);
 *   <li>every {@link DbLocksBuilderCustomizer} bean, in {@code @Order} order;
 *   <li>{@code build()}, which borrows one connection to detect the engine: the application does not start if the
 *       database is unreachable or unsupported.
 * </ol>
 *
 * <p>The bean is closed when the context closes ({@link DbLocks#close()}), before the {@code DataSource} it depends on:
 * every held session lock is reported lost at once (so annotated calls still running end with {@code
 * LockLostException} and their transactions roll back), their holders get the grace to finish, then what is left has
 * its session ended and is logged.
 *
 * <p>Runs after Spring Boot's {@code DataSourceAutoConfiguration}, named for both Spring Boot lines because Spring Boot
 * 4 moved it from {@code spring-boot-autoconfigure} to {@code spring-boot-jdbc}. Integrations that need the {@code
 * DbLocks} bean order themselves after this class.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration", // Spring Boot 3
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" // Spring Boot 4
        })
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(prefix = "dblock", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(DbLocksProperties.class)
public class DbLocksAutoConfiguration {

    /** Creates the auto-configuration; Spring Boot does this. */
    public DbLocksAutoConfiguration() {}

    /**
     * The application's {@code DbLocks}.
     *
     * @param dataSource the single (or primary) data source
     * @param properties the {@code dblock.*} properties
     * @param listeners the {@link LockListener} beans to register
     * @param customizers the customizers to apply last
     * @param environment for {@code spring.lifecycle.timeout-per-shutdown-phase}
     * @return a thread-safe instance to share; the context closes it on shutdown
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public DbLocks dbLocks(
            DataSource dataSource,
            DbLocksProperties properties,
            ObjectProvider<LockListener> listeners,
            ObjectProvider<DbLocksBuilderCustomizer> customizers,
            org.springframework.core.env.Environment environment) {
        DbLocks.Builder builder = DbLocks.builder(dataSource);
        if (properties.getDefaultTimeout() != null) {
            builder.defaultTimeout(properties.getDefaultTimeout());
        }
        builder.watchdog(properties.getWatchdogInterval());
        builder.keepaliveAt(properties.getKeepaliveAt());
        builder.pooler(properties.getPooler(), properties.getPoolerIdleTransactionTimeout());
        builder.failover(properties.getFailover().toFailover());
        builder.multiplexing(properties.getMultiplexing().toMultiplexing());
        builder.shutdownGrace(
                properties.getShutdownGrace() != null
                        ? properties.getShutdownGrace()
                        : springShutdownPhaseTimeout(environment));
        listeners.orderedStream().forEach(builder::listener);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /** {@code spring.lifecycle.timeout-per-shutdown-phase} in Boot's duration formats, else 30 s (Boot's default). */
    private static java.time.Duration springShutdownPhaseTimeout(org.springframework.core.env.Environment environment) {
        String value = environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase");
        return value == null || value.isBlank()
                ? java.time.Duration.ofSeconds(DbLocks.DEFAULT_SHUTDOWN_GRACE_SECONDS)
                : org.springframework.boot.convert.DurationStyle.detectAndParse(value.trim());
    }
}
