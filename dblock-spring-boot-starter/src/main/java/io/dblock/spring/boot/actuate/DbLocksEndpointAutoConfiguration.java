package io.dblock.spring.boot.actuate;

import io.dblock.DbLocks;
import io.dblock.spring.boot.DbLocksAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@link DbLocksEndpoint} when Spring Boot Actuator is on the class path, there is one {@link
 * DbLocks} bean (auto-configured or the application's), and the endpoint is available under the standard rules: its
 * access is not {@code none} ({@code management.endpoint.dblock.access}) and it is exposed over HTTP or JMX ({@code
 * management.endpoints.web.exposure.include=dblock}). Actuator and its auto-configuration packages are the same in
 * Spring Boot 3.5 and 4.0.
 */
@AutoConfiguration(after = DbLocksAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnSingleCandidate(DbLocks.class)
public class DbLocksEndpointAutoConfiguration {

    /** Creates the auto-configuration; Spring Boot does this. */
    public DbLocksEndpointAutoConfiguration() {}

    /**
     * The {@code dblock} endpoint.
     *
     * @param locks the application's {@code DbLocks}, whose inspector the endpoint reads
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public DbLocksEndpoint dbLocksEndpoint(DbLocks locks) {
        return new DbLocksEndpoint(locks);
    }
}
