package io.dblock.spring;

import io.dblock.DbLocks;
import io.dblock.spring.annotation.EnableDbLocks;
import io.dblock.spring.annotation.SessionLockPlacement;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/** Application configurations the annotation tests start, each over the test's "dataSource" bean. */
final class Configs {

    private Configs() {}

    @Configuration(proxyBeanMethods = false)
    static class Infrastructure {
        @Bean
        DbLocks dbLocks(DataSource dataSource) {
            return DbLocks.create(dataSource);
        }

        @Bean
        DataSourceTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        JdbcTemplate jdbcTemplate(DataSource dataSource) {
            return new JdbcTemplate(dataSource);
        }
    }

    /** The defaults: session locks around the transaction. */
    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    @EnableDbLocks
    @Import(Infrastructure.class)
    static class Defaults {}

    /** Session locks inside the transaction. */
    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    @EnableDbLocks(sessionLocks = SessionLockPlacement.INSIDE_TRANSACTION)
    @Import(Infrastructure.class)
    static class SessionLocksInside {}

    /** The transaction advisor ordered first of all advisors (the default is last). */
    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement(order = Ordered.HIGHEST_PRECEDENCE)
    @EnableDbLocks
    @Import(Infrastructure.class)
    static class TransactionAdvisorFirst {}

    /** CGLIB proxies everywhere. */
    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement(proxyTargetClass = true)
    @EnableDbLocks(proxyTargetClass = true)
    @Import(Infrastructure.class)
    static class ClassProxies {}

    /** dblock's annotations without Spring's transaction management. */
    @Configuration(proxyBeanMethods = false)
    @EnableDbLocks
    @Import(Infrastructure.class)
    static class LocksOnly {}
}
