package io.dblock.spring.boot;

import io.dblock.jpa.JpaTables;
import io.dblock.spring.TableNameResolver;
import io.dblock.spring.annotation.EnableDbLocks;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Turns on dblock-spring's {@link io.dblock.spring.annotation.AdvisoryLock @AdvisoryLock} and {@link
 * io.dblock.spring.annotation.TableLock @TableLock} in a Spring Boot application, and resolves {@code
 * @TableLock(entities = ...)} through the JPA mapping.
 *
 * <ol>
 *   <li>When dblock-spring is on the class path and {@code dblock.annotations.enabled} is not {@code false}: the
 *       equivalent of {@link EnableDbLocks @EnableDbLocks} with its default placement, and proxies as
 *       Spring Boot makes them: class (CGLIB) proxies unless {@code spring.aop.proxy-target-class} is {@code false}
 *       (then JDK proxies where the bean has interfaces), so a bean can be injected by its class. An {@code @EnableDbLocks} on one of the
 *       application's configuration classes is registered first and wins, so that is how to choose other settings.
 *   <li>When dblock-jpa and JPA are on the class path and there is one {@link EntityManagerFactory} bean: a {@link
 *       TableNameResolver} that maps an entity class to its tables with {@link JpaTables#list}, unless the application
 *       defines its own resolver.
 * </ol>
 *
 * <p>Transaction-bound locks need no bean of their own: dblock-spring builds its {@code TransactionalLocks} from the
 * {@code DbLocks} and the {@code DataSource} beans at the first call. Runs after Hibernate's auto-configuration, named
 * for both Spring Boot lines (Spring Boot 4 moved it to {@code spring-boot-hibernate}).
 */
@AutoConfiguration(
        after = DbLocksAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration", // Spring Boot 3
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration" // Spring Boot 4
        })
@ConditionalOnClass(EnableDbLocks.class)
public class DbLocksSpringAutoConfiguration {

    /** Creates the auto-configuration; Spring Boot does this. */
    public DbLocksSpringAutoConfiguration() {}

    /** The annotations, as {@code @EnableDbLocks}, with the proxy type of {@code spring.aop.proxy-target-class}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "dblock.annotations", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class Annotations {

        /** Class (CGLIB) proxies: Spring Boot's default, {@code spring.aop.proxy-target-class} unset or true. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnProperty(
                prefix = "spring.aop",
                name = "proxy-target-class",
                havingValue = "true",
                matchIfMissing = true)
        @EnableDbLocks(proxyTargetClass = true)
        static class ClassProxies {}

        /** JDK interface proxies where the bean has interfaces: {@code spring.aop.proxy-target-class=false}. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnProperty(prefix = "spring.aop", name = "proxy-target-class", havingValue = "false")
        @EnableDbLocks(proxyTargetClass = false)
        static class InterfaceProxies {}
    }

    /** Entity classes to tables through the application's JPA mapping. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = {
                "io.dblock.jpa.JpaTables",
                "jakarta.persistence.EntityManagerFactory",
                "org.hibernate.SessionFactory"
            })
    @ConditionalOnSingleCandidate(EntityManagerFactory.class)
    static class JpaTableNames {

        /**
         * Resolves {@code @TableLock(entities = ...)} with {@link JpaTables#list}: the entity's tables after the naming
         * strategies, JOINED parents first.
         *
         * @param entityManagerFactory the application's entity manager factory
         * @return a stateless, thread-safe resolver
         */
        @Bean
        @ConditionalOnMissingBean
        TableNameResolver dblockJpaTableNameResolver(EntityManagerFactory entityManagerFactory) {
            return entity -> JpaTables.list(entityManagerFactory, entity);
        }
    }
}
