package io.dblock.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.DbLocks;
import io.dblock.LockEvent;
import io.dblock.LockHandle;
import io.dblock.LockListener;
import io.dblock.spring.boot.actuate.DbLocksEndpoint;
import io.dblock.spring.boot.actuate.DbLocksEndpointAutoConfiguration;
import io.dblock.spring.boot.metrics.DbLocksMetricsAutoConfiguration;
import io.dblock.spring.boot.metrics.MicrometerLockListener;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The conditions and properties of the auto-configuration, each in a fresh context. Contexts that build a {@code
 * DbLocks} get the embedded PostgreSQL server's (non-pooling) data source, because building one detects the engine on a
 * real connection.
 */
@DatabaseTest(engine = Engine.POSTGRES)
class DbLocksAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DbLocksAutoConfiguration.class,
                    DbLocksMetricsAutoConfiguration.class,
                    DbLocksEndpointAutoConfiguration.class));

    private static ApplicationContextRunner withDatabase(ApplicationContextRunner runner, TestDatabase database) {
        return runner.withBean(DataSource.class, database::dataSource);
    }

    @Nested
    class Conditions {

        @Test
        void noDataSourceMeansNoDbLocks() {
            runner.withBean(SimpleMeterRegistry.class)
                    .withPropertyValues("management.endpoints.web.exposure.include=dblock")
                    .run(context -> {
                        assertThat(context).hasNotFailed().doesNotHaveBean(DbLocks.class);
                        assertThat(context).doesNotHaveBean(DbLocksEndpoint.class);
                    });
        }

        @Test
        void dbLocksIsBuiltOverTheSingleDataSource(TestDatabase database) {
            withDatabase(runner, database).run(context -> {
                assertThat(context).hasSingleBean(DbLocks.class);
                DbLocks locks = context.getBean(DbLocks.class);
                assertThat(locks.engineName()).isEqualTo("PostgreSQL");
                assertThat(locks.defaultTimeout())
                        .as("waits without limit by default")
                        .isEmpty();
            });
        }

        @Test
        void twoDataSourcesWithoutPrimaryMeanNoDbLocks(TestDatabase database) {
            runner.withBean("first", DataSource.class, database::dataSource)
                    .withBean("second", DataSource.class, database::dataSource)
                    .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DbLocks.class));
        }

        @Test
        void onePrimaryAmongSeveralDataSourcesIsEnough(TestDatabase database) {
            runner.withBean("first", DataSource.class, database::dataSource, definition -> definition.setPrimary(true))
                    .withBean("second", DataSource.class, database::dataSource)
                    .run(context -> assertThat(context).hasSingleBean(DbLocks.class));
        }

        @Test
        void theApplicationsOwnDbLocksWins(TestDatabase database) {
            withDatabase(runner, database)
                    .withUserConfiguration(OwnDbLocks.class)
                    .run(context -> {
                        assertThat(context).hasSingleBean(DbLocks.class);
                        assertThat(context.getBean(DbLocks.class).defaultTimeout())
                                .as("the application's bean, not the auto-configured one")
                                .contains(Duration.ofSeconds(7));
                    });
        }

        @Test
        void dblockEnabledFalseLeavesEverythingOut(TestDatabase database) {
            withDatabase(runner, database)
                    .withBean(SimpleMeterRegistry.class)
                    .withPropertyValues("dblock.enabled=false", "management.endpoints.web.exposure.include=dblock")
                    .run(context -> {
                        assertThat(context).hasNotFailed().doesNotHaveBean(DbLocks.class);
                        assertThat(context).doesNotHaveBean(MicrometerLockListener.class);
                        assertThat(context).doesNotHaveBean(DbLocksEndpoint.class);
                    });
        }
    }

    @Nested
    class Properties {

        @Test
        void defaultTimeoutBindsFromBootsDurationFormats(TestDatabase database) {
            withDatabase(runner, database)
                    .withPropertyValues("dblock.default-timeout=1500ms")
                    .run(context -> assertThat(context.getBean(DbLocks.class).defaultTimeout())
                            .contains(Duration.ofMillis(1500)));
            withDatabase(runner, database)
                    .withPropertyValues("dblock.default-timeout=PT2S")
                    .run(context -> assertThat(context.getBean(DbLocks.class).defaultTimeout())
                            .contains(Duration.ofSeconds(2)));
            withDatabase(runner, database)
                    .withPropertyValues("dblock.default-timeout=0")
                    .run(context -> assertThat(context.getBean(DbLocks.class).defaultTimeout())
                            .as("zero: do not wait")
                            .contains(Duration.ZERO));
        }

        @Test
        void watchdogIntervalBindsAndZeroTurnsItOff(TestDatabase database) {
            withDatabase(runner, database)
                    .run(context -> assertThat(context.getBean(DbLocks.class).watchdogInterval())
                            .as("default")
                            .isEqualTo(Duration.ofSeconds(DbLocks.DEFAULT_WATCHDOG_SECONDS)));
            withDatabase(runner, database)
                    .withPropertyValues("dblock.watchdog-interval=250ms")
                    .run(context -> assertThat(context.getBean(DbLocks.class).watchdogInterval())
                            .isEqualTo(Duration.ofMillis(250)));
            withDatabase(runner, database)
                    .withPropertyValues("dblock.watchdog-interval=0")
                    .run(context -> assertThat(context.getBean(DbLocks.class).watchdogInterval())
                            .isZero());
        }

        @Test
        void keepaliveAtBindsAndAValueOutsideItsRangeFailsTheStart(TestDatabase database) {
            withDatabase(runner, database).run(context -> assertThat(
                            context.getBean(DbLocksProperties.class).getKeepaliveAt())
                    .as("default")
                    .isEqualTo(1.0 / 3));
            withDatabase(runner, database)
                    .withPropertyValues("dblock.keepalive-at=0")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(DbLocksProperties.class).getKeepaliveAt())
                                .isZero();
                    });
            withDatabase(runner, database)
                    .withPropertyValues("dblock.keepalive-at=0.95")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        assertThat(context.getStartupFailure())
                                .rootCause()
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessage("dblock.keepalive-at must be between 0 (off) and 0.9, got 0.95");
                    });
        }

        @Test
        void failoverPropertiesBindAndABadGraceFailsTheStart(TestDatabase database) {
            withDatabase(runner, database).run(context -> {
                DbLocksProperties.Failover failover =
                        context.getBean(DbLocksProperties.class).getFailover();
                assertThat(failover.isAllowStandby()).as("default").isFalse();
                assertThat(failover.toFailover().allowsStandby()).isFalse();
            });
            withDatabase(runner, database)
                    .withPropertyValues("dblock.failover.grace=20s", "dblock.failover.allow-standby=true")
                    .run(context -> {
                        io.dblock.Failover failover = context.getBean(DbLocksProperties.class)
                                .getFailover()
                                .toFailover();
                        assertThat(failover.grace()).hasValue(Duration.ofSeconds(20));
                        assertThat(failover.allowsStandby()).isTrue();
                    });
            withDatabase(runner, database)
                    .withPropertyValues("dblock.failover.grace=-1s")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        assertThat(context.getStartupFailure())
                                .rootCause()
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessageContaining("grace must be between 0 (off) and 1 day");
                    });
        }

        @Test
        void multiplexingPropertiesShareConnectionsOrGiveEachHolderItsOwn(TestDatabase database) {
            withDatabase(runner, database)
                    .withPropertyValues("dblock.multiplexing.max-connections=1")
                    .run(context -> assertThat(connectionsOfTwoHolders(context.getBean(io.dblock.DbLocks.class)))
                            .as("two threads' holders on one shared connection")
                            .hasSize(1));
            withDatabase(runner, database)
                    .withPropertyValues("dblock.multiplexing.enabled=false")
                    .run(context -> assertThat(connectionsOfTwoHolders(context.getBean(io.dblock.DbLocks.class)))
                            .as("one connection per holding thread")
                            .hasSize(2));
            withDatabase(runner, database)
                    .withPropertyValues("dblock.multiplexing.max-connections=0")
                    .run(context -> assertThat(context.getStartupFailure())
                            .rootCause()
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("maxConnections must be at least 1"));
        }

        /** The connections of a hold on this thread and one on another thread, held at once. */
        private java.util.Set<Long> connectionsOfTwoHolders(io.dblock.DbLocks locks) throws Exception {
            try (io.dblock.LockHandle mine = locks.advisory("boot-mx-a").acquire();
                    io.dblock.testing.TestThreads threads = new io.dblock.testing.TestThreads()) {
                long theirs = threads.start("other-holder", () -> {
                            try (io.dblock.LockHandle h =
                                    locks.advisory("boot-mx-b").acquire()) {
                                return h.connectionId();
                            }
                        })
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
                return new java.util.HashSet<>(List.of(mine.connectionId(), theirs));
            }
        }

        /** So that dashboards and alerts on lost locks can be built before the first loss. */
        @Test
        void theLostCounterAndTheActiveGaugeExistAtStartWithZero(TestDatabase database) {
            withDatabase(runner, database).withBean(SimpleMeterRegistry.class).run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(DbLocks.class);
                SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
                assertThat(registry.get(io.dblock.spring.boot.metrics.MicrometerLockListener.LOST)
                                .tag("engine", "PostgreSQL")
                                .counter()
                                .count())
                        .isZero();
                assertThat(registry.get(io.dblock.spring.boot.metrics.MicrometerLockListener.HELD_ACTIVE)
                                .tag("engine", "PostgreSQL")
                                .gauge()
                                .value())
                        .isZero();
            });
        }

        @Test
        void withTheLockTagTheLostCounterWaitsForItsFirstLoss(TestDatabase database) {
            withDatabase(runner, database)
                    .withBean(SimpleMeterRegistry.class)
                    .withPropertyValues("dblock.metrics.lock-name-tag=true")
                    .run(context -> {
                        SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
                        assertThat(registry.find(io.dblock.spring.boot.metrics.MicrometerLockListener.LOST)
                                        .counters())
                                .isEmpty();
                        assertThat(registry.get(io.dblock.spring.boot.metrics.MicrometerLockListener.HELD_ACTIVE)
                                        .tag("engine", "PostgreSQL")
                                        .gauge()
                                        .value())
                                .isZero();
                    });
        }

        @Test
        void aGraceWaitIsRecordedAsATimer() {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            io.dblock.spring.boot.metrics.MicrometerLockListener listener =
                    new io.dblock.spring.boot.metrics.MicrometerLockListener(registry, false);
            listener.graceWaited("advisory \"x\"", "PostgreSQL", Duration.ofMillis(1500));
            io.micrometer.core.instrument.Timer timer = registry.get(
                            io.dblock.spring.boot.metrics.MicrometerLockListener.GRACE)
                    .tag("engine", "PostgreSQL")
                    .timer();
            assertThat(timer.count()).isEqualTo(1);
            assertThat(timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                    .isEqualTo(1500.0);
        }

        @Test
        void poolerIdleTransactionTimeoutBindsAndAValueBelowOneSecondFailsTheStart(TestDatabase database) {
            withDatabase(runner, database).run(context -> assertThat(
                            context.getBean(DbLocksProperties.class).getPoolerIdleTransactionTimeout())
                    .as("default")
                    .isZero());
            withDatabase(runner, database)
                    .withPropertyValues("dblock.pooler=transaction", "dblock.pooler-idle-transaction-timeout=30s")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(DbLocksProperties.class).getPoolerIdleTransactionTimeout())
                                .isEqualTo(Duration.ofSeconds(30));
                        assertThat(context.getBean(DbLocks.class).inspector().pooler())
                                .isEqualTo(io.dblock.Pooler.TRANSACTION);
                    });
            withDatabase(runner, database)
                    .withPropertyValues("dblock.pooler-idle-transaction-timeout=500ms")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        assertThat(context.getStartupFailure())
                                .rootCause()
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessageContaining("at least 1 s");
                    });
        }

        @Test
        void aWatchdogIntervalBelowTenMillisecondsFailsTheStart(TestDatabase database) {
            withDatabase(runner, database)
                    .withPropertyValues("dblock.watchdog-interval=5ms")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        assertThat(context.getStartupFailure())
                                .rootCause()
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessage("dblock.watchdog-interval must be 0 (off) or at least 10ms, got PT0.005S");
                    });
        }

        @Test
        void anInvalidDurationFailsTheStartNamingTheProperty(TestDatabase database) {
            withDatabase(runner, database)
                    .withPropertyValues("dblock.default-timeout=soon")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        Throwable failure = context.getStartupFailure();
                        assertThat(failure).hasRootCauseMessage("'soon' is not a valid duration");
                        assertThat(causeOfType(failure, BindException.class))
                                .hasMessage("Failed to bind properties under 'dblock.default-timeout' to"
                                        + " java.time.Duration");
                    });
        }

        @Test
        void aNegativeDurationFailsTheStartRatherThanBeingClamped(TestDatabase database) {
            withDatabase(runner, database)
                    .withPropertyValues("dblock.default-timeout=-1s")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        Throwable failure = context.getStartupFailure();
                        assertThat(causeOfType(failure, BindException.class))
                                .as(
                                        "a setter's exception is reported against the bean, so the message names the property")
                                .hasMessageStartingWith("Failed to bind properties under 'dblock' to");
                        assertThat(failure)
                                .rootCause()
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessageStartingWith("dblock.default-timeout must not be negative, got PT-1S");
                    });
        }

        @Test
        void metadataLetsIdesCompleteEveryProperty() throws Exception {
            String metadata;
            try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
                assertThat(in)
                        .as("generated by spring-boot-configuration-processor")
                        .isNotNull();
                metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            assertThat(metadata)
                    .contains(
                            "\"name\": \"dblock.enabled\"",
                            "\"name\": \"dblock.default-timeout\"",
                            "\"name\": \"dblock.metrics.enabled\"",
                            "\"name\": \"dblock.metrics.lock-name-tag\"",
                            "\"name\": \"dblock.watchdog-interval\"",
                            "\"name\": \"dblock.keepalive-at\"",
                            "\"name\": \"dblock.pooler-idle-transaction-timeout\"",
                            "\"name\": \"dblock.annotations.enabled\"",
                            "\"type\": \"java.time.Duration\"",
                            "How long lock acquisitions that name no timeout wait");
        }
    }

    @Nested
    class Extensions {

        @Test
        void listenerBeansAndCustomizersAreApplied(TestDatabase database) {
            withDatabase(runner, database)
                    .withUserConfiguration(ListenerAndCustomizers.class)
                    .withPropertyValues("dblock.default-timeout=1s")
                    .run(context -> {
                        DbLocks locks = context.getBean(DbLocks.class);
                        assertThat(locks.defaultTimeout())
                                .as("customizers run after properties, in @Order order")
                                .contains(Duration.ofSeconds(3));
                        try (LockHandle h = locks.advisory("boot-listener").acquire()) {
                            assertThat(h.isHeld()).isTrue();
                        }
                        assertThat(context.getBean(RecordingListener.class).events)
                                .containsExactly(
                                        "acquired advisory \"boot-listener\"", "released advisory \"boot-listener\"");
                    });
        }
    }

    @Nested
    class Metrics {

        @Test
        void needAMeterRegistry(TestDatabase database) {
            withDatabase(runner, database).run(context -> assertThat(context)
                    .hasSingleBean(DbLocks.class)
                    .doesNotHaveBean(MicrometerLockListener.class));
        }

        @Test
        void needMicrometerOnTheClassPath(TestDatabase database) {
            withDatabase(runner, database)
                    .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                    .run(context -> assertThat(context)
                            .hasSingleBean(DbLocks.class)
                            .doesNotHaveBean(MicrometerLockListener.class));
        }

        @Test
        void areOnWhenARegistryIsPresentAndOffByProperty(TestDatabase database) {
            withDatabase(runner, database).withBean(SimpleMeterRegistry.class).run(context -> assertThat(context)
                    .hasSingleBean(MicrometerLockListener.class));
            withDatabase(runner, database)
                    .withBean(SimpleMeterRegistry.class)
                    .withPropertyValues("dblock.metrics.enabled=false")
                    .run(context -> assertThat(context)
                            .hasSingleBean(DbLocks.class)
                            .doesNotHaveBean(MicrometerLockListener.class));
        }

        @Test
        void lockNamesBecomeATagOnlyWhenAskedFor(TestDatabase database) {
            withDatabase(runner, database).withBean(SimpleMeterRegistry.class).run(context -> {
                context.getBean(DbLocks.class).advisory("boot-tag").acquire().release();
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.getMeters()).isNotEmpty().allSatisfy(meter -> assertThat(
                                meter.getId().getTag("lock"))
                        .isNull());
            });
            withDatabase(runner, database)
                    .withBean(SimpleMeterRegistry.class)
                    .withPropertyValues("dblock.metrics.lock-name-tag=true")
                    .run(context -> {
                        context.getBean(DbLocks.class)
                                .advisory("boot-tag")
                                .acquire()
                                .release();
                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        assertThat(registry.get(MicrometerLockListener.ACQUIRE)
                                        .tag("lock", "advisory \"boot-tag\"")
                                        .timer()
                                        .count())
                                .isEqualTo(1);
                        assertThat(registry.get(MicrometerLockListener.HELD_ACTIVE)
                                        .gauge()
                                        .getId()
                                        .getTag("lock"))
                                .as("the gauge counts locks, it never carries a name")
                                .isNull();
                    });
        }
    }

    @Nested
    class Shutdown {

        @Test
        void theGraceIsDblockShutdownGraceElseSpringsShutdownPhaseTimeout(TestDatabase database) {
            withDatabase(runner, database)
                    .run(context -> assertThat(context.getBean(DbLocks.class).shutdownGrace())
                            .isEqualTo(Duration.ofSeconds(30)));
            withDatabase(runner, database)
                    .withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=12s")
                    .run(context -> assertThat(context.getBean(DbLocks.class).shutdownGrace())
                            .isEqualTo(Duration.ofSeconds(12)));
            withDatabase(runner, database)
                    .withPropertyValues("dblock.shutdown-grace=2s", "spring.lifecycle.timeout-per-shutdown-phase=12s")
                    .run(context -> assertThat(context.getBean(DbLocks.class).shutdownGrace())
                            .isEqualTo(Duration.ofSeconds(2)));
        }

        /** Closing the context tells a holder at once, waits for it to finish, and the server then frees the lock. */
        @Test
        void closingTheContextTellsHoldersFirstThenWaitsForThem(TestDatabase database) {
            DbLocks otherNode = DbLocks.create(database.dataSource());
            withDatabase(runner, database)
                    .withPropertyValues("dblock.shutdown-grace=20s")
                    .run(context -> {
                        DbLocks locks = context.getBean(DbLocks.class);
                        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
                        java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
                        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
                        Thread holder = new Thread(
                                () -> {
                                    LockHandle h =
                                            locks.advisory("context-shutdown").acquire();
                                    h.onLost(lost -> told.countDown());
                                    held.countDown();
                                    try {
                                        finish.await(30, java.util.concurrent.TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    h.release();
                                },
                                "context-shutdown-holder");
                        holder.setDaemon(true);
                        holder.start();
                        assertThat(held.await(10, java.util.concurrent.TimeUnit.SECONDS))
                                .isTrue();
                        long start = System.nanoTime();
                        Thread closer = new Thread(context::close, "context-closer");
                        closer.setDaemon(true);
                        closer.start();
                        assertThat(told.await(5, java.util.concurrent.TimeUnit.SECONDS))
                                .as("the holder is told its lock is lost as soon as the context closes")
                                .isTrue();
                        long toldMillis = (System.nanoTime() - start) / 1_000_000;
                        assertThat(closer.isAlive())
                                .as("the context waits for the holder")
                                .isTrue();
                        assertThat(otherNode.advisory("context-shutdown").isLocked())
                                .isTrue();
                        finish.countDown();
                        closer.join(10_000);
                        assertThat(closer.isAlive()).isFalse();
                        holder.join(10_000);
                        io.dblock.testing.Await.until(
                                Duration.ofSeconds(10),
                                "the server frees the lock",
                                () -> !otherNode.advisory("context-shutdown").isLocked());
                        System.out.println("context shutdown: holder told after " + toldMillis + " ms; context closed"
                                + " once it released");
                    });
        }
    }

    @Nested
    class ActuatorEndpoint {

        @Test
        void isThereOnlyWhenExposed(TestDatabase database) {
            withDatabase(runner, database)
                    .run(context ->
                            assertThat(context).hasSingleBean(DbLocks.class).doesNotHaveBean(DbLocksEndpoint.class));
            withDatabase(runner, database)
                    .withPropertyValues("management.endpoints.web.exposure.include=dblock")
                    .run(context -> assertThat(context).hasSingleBean(DbLocksEndpoint.class));
            withDatabase(runner, database)
                    .withPropertyValues("management.endpoints.jmx.exposure.include=dblock", "spring.jmx.enabled=true")
                    .run(context -> assertThat(context).hasSingleBean(DbLocksEndpoint.class));
        }

        @Test
        void isNotThereWhenItsAccessIsNone(TestDatabase database) {
            withDatabase(runner, database)
                    .withPropertyValues(
                            "management.endpoints.web.exposure.include=dblock",
                            "management.endpoint.dblock.access=NONE")
                    .run(context ->
                            assertThat(context).hasSingleBean(DbLocks.class).doesNotHaveBean(DbLocksEndpoint.class));
        }

        @Test
        void needsActuatorOnTheClassPath(TestDatabase database) {
            withDatabase(runner, database)
                    .withClassLoader(new FilteredClassLoader(
                            org.springframework.boot.actuate.endpoint.annotation.Endpoint.class))
                    .withPropertyValues("management.endpoints.web.exposure.include=dblock")
                    .run(context ->
                            assertThat(context).hasSingleBean(DbLocks.class).doesNotHaveBean(DbLocksEndpoint.class));
        }

        @Test
        void servesTheApplicationsOwnDbLocks(TestDatabase database) {
            withDatabase(runner, database)
                    .withUserConfiguration(OwnDbLocks.class)
                    .withPropertyValues("management.endpoints.web.exposure.include=dblock")
                    .run(context -> assertThat(context.getBean(DbLocksEndpoint.class)
                                    .locks()
                                    .engine())
                            .isEqualTo("PostgreSQL"));
        }
    }

    private static Throwable causeOfType(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + failure, failure);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDbLocks {
        @Bean
        DbLocks ownDbLocks(DataSource dataSource) {
            return DbLocks.builder(dataSource)
                    .defaultTimeout(Duration.ofSeconds(7))
                    .build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenerAndCustomizers {
        @Bean
        RecordingListener recordingListener() {
            return new RecordingListener();
        }

        @Bean
        @Order(2)
        DbLocksBuilderCustomizer threeSeconds() {
            return builder -> builder.defaultTimeout(Duration.ofSeconds(3));
        }

        @Bean
        @Order(1)
        DbLocksBuilderCustomizer twoSeconds() {
            return builder -> builder.defaultTimeout(Duration.ofSeconds(2));
        }
    }

    static final class RecordingListener implements LockListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void acquired(LockEvent event) {
            events.add("acquired " + event.lock());
        }

        @Override
        public void released(LockEvent event, Duration held) {
            events.add("released " + event.lock());
        }
    }
}
