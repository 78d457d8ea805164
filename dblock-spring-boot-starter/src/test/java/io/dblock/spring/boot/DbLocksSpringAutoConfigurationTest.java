package io.dblock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.DbLocks;
import io.dblock.LockEvent;
import io.dblock.LockListener;
import io.dblock.TableName;
import io.dblock.inspect.LockFilter;
import io.dblock.inspect.LockInfo;
import io.dblock.spring.TableNameResolver;
import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.annotation.EnableDbLocks;
import io.dblock.spring.annotation.LockScope;
import io.dblock.spring.annotation.SessionLockPlacement;
import io.dblock.spring.annotation.TableLock;
import io.dblock.spring.boot.jpa.OutboundShipment;
import io.dblock.spring.internal.DbLocksRegistrar;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The Spring integration the starter switches on: dblock-spring's annotations without {@code @EnableDbLocks}, the
 * application's own {@code @EnableDbLocks} taking precedence, the switch to turn them off, and entity table locks
 * resolved through the JPA mapping of the application's entity manager factory. Real locks on the embedded PostgreSQL.
 */
@DatabaseTest(engine = Engine.POSTGRES)
class DbLocksSpringAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DbLocksAutoConfiguration.class,
                    DbLocksSpringAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class));

    private ApplicationContextRunner withDatabase(TestDatabase database) {
        return runner.withBean(DataSource.class, database::dataSource)
                .withBean(Reports.class)
                .withBean(AcquisitionRecorder.class);
    }

    @Nested
    class Annotations {

        @Test
        void advisoryLockAnnotationsWorkWithoutEnableDbLocks(TestDatabase database) {
            withDatabase(database).run(context -> {
                assertThat(context).hasNotFailed();
                Reports reports = context.getBean(Reports.class);
                DbLocks locks = context.getBean(DbLocks.class);
                assertThat(context).hasBean(DbLocksRegistrar.SESSION_LOCKS_PROCESSOR);
                assertThat(reports.lockedWhileRunning(locks))
                        .as("the lock is held on the server while the method runs")
                        .isTrue();
                assertThat(locks.advisory(Reports.KEY).isLocked())
                        .as("and released when it returns")
                        .isFalse();
            });
        }

        @Test
        void sessionLocksGoAroundTheTransactionByDefault(TestDatabase database) {
            withDatabase(database).run(context -> {
                context.getBean(Reports.class).inTransaction();
                assertThat(context.getBean(AcquisitionRecorder.class).insideTransaction)
                        .as("lock -> begin -> method -> commit -> unlock")
                        .containsExactly(false);
            });
        }

        @Test
        void annotatedBeansGetClassProxiesAsSpringBootDoesByDefault(TestDatabase database) {
            withDatabase(database).withBean(LockedGreeter.class).run(context -> {
                assertThat(context).hasNotFailed();
                LockedGreeter greeter = context.getBean(LockedGreeter.class);
                assertThat(AopUtils.isCglibProxy(greeter)).isTrue();
                assertThat(greeter.greet(context.getBean(DbLocks.class))).isTrue();
            });
        }

        @Test
        void proxyTargetClassFalseGivesInterfaceProxies(TestDatabase database) {
            withDatabase(database)
                    .withBean(LockedGreeter.class)
                    .withPropertyValues("spring.aop.proxy-target-class=false")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        Greeter greeter = context.getBean(Greeter.class);
                        assertThat(AopUtils.isJdkDynamicProxy(greeter)).isTrue();
                        assertThat(greeter.greet(context.getBean(DbLocks.class)))
                                .isTrue();
                        assertThat(context.getBeansOfType(LockedGreeter.class)).isEmpty();
                    });
        }

        @Test
        void theApplicationsOwnEnableDbLocksWins(TestDatabase database) {
            withDatabase(database)
                    .withUserConfiguration(InsideTransaction.class)
                    .run(context -> {
                        context.getBean(Reports.class).inTransaction();
                        assertThat(context.getBean(AcquisitionRecorder.class).insideTransaction)
                                .as("@EnableDbLocks(sessionLocks = INSIDE_TRANSACTION) of the application applies")
                                .containsExactly(true);
                    });
        }

        @Test
        void dblockAnnotationsEnabledFalseLeavesMethodsUnlocked(TestDatabase database) {
            withDatabase(database)
                    .withPropertyValues("dblock.annotations.enabled=false")
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(DbLocks.class);
                        Reports reports = context.getBean(Reports.class);
                        assertThat(context).doesNotHaveBean(DbLocksRegistrar.SESSION_LOCKS_PROCESSOR);
                        assertThat(reports.lockedWhileRunning(context.getBean(DbLocks.class)))
                                .isFalse();
                    });
        }

        @Test
        void noDbLocksBeanMeansNoFailureAtStartup() {
            runner.withBean(Reports.class)
                    .withPropertyValues("dblock.enabled=false")
                    .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DbLocks.class));
        }
    }

    @Nested
    class JpaEntities {

        private ApplicationContextRunner withJpa(TestDatabase database) {
            return runner.withConfiguration(AutoConfigurations.of(HibernateJpaAutoConfiguration.class))
                    .withBean(DataSource.class, database::dataSource)
                    .withBean(Shipments.class)
                    .withPropertyValues("spring.jpa.hibernate.ddl-auto=create-drop")
                    .withInitializer(context -> AutoConfigurationPackages.register(
                            (org.springframework.beans.factory.support.BeanDefinitionRegistry) context.getBeanFactory(),
                            OutboundShipment.class.getPackageName()));
        }

        @Test
        void entityClassesResolveThroughTheEntityManagerFactory(TestDatabase database) {
            withJpa(database).run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(TableNameResolver.class);
                assertThat(context.getBean(TableNameResolver.class).tables(OutboundShipment.class))
                        .as("Spring Boot's physical naming strategy: camel case to snake case")
                        .containsExactly(TableName.of("outbound_shipment"));
            });
        }

        @Test
        void tableLockOnAnEntityLocksItsTableInTheTransaction(TestDatabase database) {
            withJpa(database).run(context -> {
                List<LockInfo> seen = context.getBean(Shipments.class).lockedTables(context.getBean(DbLocks.class));
                assertThat(seen)
                        .as("pg_locks shows the entity's table locked in SHARE mode while the method runs")
                        .anySatisfy(lock -> {
                            assertThat(lock.granted()).isTrue();
                            assertThat(lock.mode()).isEqualTo("SHARE");
                        });
            });
        }

        @Test
        void theApplicationsOwnResolverWins(TestDatabase database) {
            withJpa(database)
                    .withBean(TableNameResolver.class, () -> entity -> List.of(TableName.of("elsewhere")))
                    .run(context -> assertThat(
                                    context.getBean(TableNameResolver.class).tables(OutboundShipment.class))
                            .containsExactly(TableName.of("elsewhere")));
        }

        @Test
        void withoutJpaThereIsNoResolver(TestDatabase database) {
            withDatabase(database).run(context -> assertThat(context).doesNotHaveBean(TableNameResolver.class));
        }
    }

    /** A bean with annotated methods. */
    static class Reports {
        static final String KEY = "boot-annotated-report";

        @AdvisoryLock("'" + KEY + "'")
        public boolean lockedWhileRunning(DbLocks locks) {
            return locks.advisory(KEY).isLocked();
        }

        @Transactional
        @AdvisoryLock(key = "'boot-annotated-transactional'", scope = LockScope.SESSION)
        public void inTransaction() {}
    }

    /** An interface that an annotated bean implements. */
    interface Greeter {
        boolean greet(DbLocks locks);
    }

    /** An annotated bean with an interface, injected by its class in Spring Boot's default. */
    static class LockedGreeter implements Greeter {
        @Override
        @AdvisoryLock("'boot-greeter'")
        public boolean greet(DbLocks locks) {
            return locks.advisory("boot-greeter").isLocked();
        }
    }

    /** Locks the table of an entity. */
    static class Shipments {
        @Transactional
        @TableLock(entities = OutboundShipment.class, mode = io.dblock.TableLockMode.SHARE)
        public List<LockInfo> lockedTables(DbLocks locks) {
            return locks.inspector().locks(LockFilter.all().table("outbound_shipment"));
        }
    }

    /** Records, for each acquisition, whether a Spring transaction was active on the acquiring thread. */
    static class AcquisitionRecorder implements LockListener {
        final List<Boolean> insideTransaction = new CopyOnWriteArrayList<>();

        @Override
        public void acquired(LockEvent event) {
            insideTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableDbLocks(sessionLocks = SessionLockPlacement.INSIDE_TRANSACTION)
    static class InsideTransaction {
        @Bean
        String marker() {
            return "inside";
        }
    }
}
