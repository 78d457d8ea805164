package io.dblock.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.inspect.LockFilter;
import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.boot.actuate.DbLocksEndpoint;
import io.dblock.spring.boot.metrics.MicrometerLockListener;
import io.dblock.testing.Await;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.SpringVersion;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The starter jar, compiled against Spring Boot 3.5, in a Spring Boot 4.0 web application on the embedded PostgreSQL
 * server: the {@code DbLocks} bean exists (so the auto-configuration ran after Spring Boot 4's {@code
 * DataSourceAutoConfiguration}), locks work, metrics record (so the listener was configured after Spring Boot 4's meter
 * registry), and the Actuator endpoint answers over HTTP, rendered by Spring Boot 4's Jackson 3.
 */
@DatabaseTest(engine = Engine.POSTGRES)
@SpringBootTest(
        classes = SpringBoot4StarterTest.Application.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoints.web.exposure.include=dblock,metrics", "dblock.default-timeout=5s"})
class SpringBoot4StarterTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Autowired
    DbLocks locks;

    @Autowired
    MeterRegistry registry;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> Engine.POSTGRES.database().jdbcUrl());
        registry.add(
                "spring.datasource.username", () -> Engine.POSTGRES.database().user());
        registry.add(
                "spring.datasource.password", () -> Engine.POSTGRES.database().password());
    }

    @Test
    void runsOnSpringBoot4AndSpringFramework7() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
        assertThat(SpringVersion.getVersion()).startsWith("7.");
        ClassLoader loader = getClass().getClassLoader();
        assertThat(ClassUtils.isPresent(
                        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration", loader))
                .isTrue();
        assertThat(ClassUtils.isPresent(
                        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration", loader))
                .as("Spring Boot 3's class must not be on this class path")
                .isFalse();
    }

    @Test
    void theStarterConfiguresItsBeansFromProperties(ApplicationContext context) {
        assertThat(locks.engineName()).isEqualTo("PostgreSQL");
        assertThat(locks.defaultTimeout()).contains(Duration.ofSeconds(5));
        assertThat(context.getBeansOfType(MicrometerLockListener.class)).hasSize(1);
        assertThat(context.getBeansOfType(DbLocksEndpoint.class)).hasSize(1);
    }

    @Test
    void realLocksAreRecordedInMetrics(TestDatabase database) {
        double acquired = acquireCount("acquired");
        double timeouts = acquireCount("timeout");
        DbLocks otherNode = DbLocks.create(database.dataSource());

        try (LockHandle h = locks.advisory("boot4-metrics").acquire()) {
            assertThat(h.isHeld()).isTrue();
            assertThat(active()).isEqualTo(1);
        }
        try (LockHandle held = otherNode.advisory("boot4-metrics").acquire()) {
            assertThat(locks.advisory("boot4-metrics").tryAcquire(Duration.ofMillis(100)))
                    .isEmpty();
        }

        assertThat(acquireCount("acquired")).isEqualTo(acquired + 1);
        assertThat(acquireCount("timeout")).isEqualTo(timeouts + 1);
        assertThat(active()).isZero();
        assertThat(registry.get(MicrometerLockListener.HELD).timer().count()).isPositive();
    }

    @Test
    void theEndpointAnswersOverHttpWithAHolderAndAWaiter(TestDatabase database) throws Exception {
        String target = "advisory " + LockKey.of("boot4-endpoint");
        DbLocks otherNode = DbLocks.create(database.dataSource());
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try (LockHandle held = locks.advisory("boot4-endpoint").acquire()) {
            Future<Long> waiter = threads.submit(() -> {
                try (LockHandle h = otherNode.advisory("boot4-endpoint").acquire()) {
                    return h.connectionId();
                }
            });
            Await.until(PATIENCE, "the waiter in pg_locks", () -> !otherNode
                    .inspector()
                    .locks(LockFilter.all().key(LockKey.of("boot4-endpoint")).granted(false))
                    .isEmpty());

            JsonNode json = getJson("/actuator/dblock");
            System.out.println("GET /actuator/dblock on Spring Boot " + SpringBootVersion.getVersion() + ":\n"
                    + json.toPrettyString());

            assertThat(json.get("engine").asString()).isEqualTo("PostgreSQL");
            assertThat(json.get("locks"))
                    .anySatisfy(lock -> {
                        assertThat(lock.get("target").asString()).isEqualTo(target);
                        assertThat(lock.get("granted").asBoolean()).isTrue();
                        assertThat(lock.get("connectionId").asLong()).isEqualTo(held.connectionId());
                    })
                    .anySatisfy(lock -> {
                        assertThat(lock.get("target").asString()).isEqualTo(target);
                        assertThat(lock.get("granted").asBoolean()).isFalse();
                        assertThat(lock.get("waitedMillis").asLong()).isNotNegative();
                    });
            assertThat(json.get("waits")).anySatisfy(wait -> assertThat(
                            wait.get("blocker").get("connectionId").asLong())
                    .isEqualTo(held.connectionId()));
            held.release();
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isPositive();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theEndpointAndTheMetricsAreActuatorsOwn() throws Exception {
        locks.advisory("boot4-served").acquire().release();

        JsonNode links = getJson("/actuator");
        JsonNode metric = getJson("/actuator/metrics/" + MicrometerLockListener.ACQUIRE);

        assertThat(links.get("_links").has("dblock")).isTrue();
        assertThat(metric.get("name").asString()).isEqualTo(MicrometerLockListener.ACQUIRE);
        assertThat(metric.get("availableTags"))
                .anySatisfy(tag -> assertThat(tag.get("tag").asString()).isEqualTo("kind"));
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }

    private double acquireCount(String outcome) {
        Timer timer = registry.find(MicrometerLockListener.ACQUIRE)
                .tags("outcome", outcome, "kind", "session_advisory", "engine", "PostgreSQL")
                .timer();
        return timer == null ? 0 : timer.count();
    }

    private double active() {
        Gauge gauge = registry.find(MicrometerLockListener.HELD_ACTIVE)
                .tag("engine", "PostgreSQL")
                .gauge();
        return gauge == null ? 0 : gauge.value();
    }

    @Test
    void advisoryLockAnnotationsWorkWithoutEnableDbLocks(ApplicationContext context) {
        Reports reports = context.getBean(Reports.class);
        assertThat(reports.lockedWhileRunning(locks))
                .as("the starter turned on @AdvisoryLock: the lock is held while the method runs")
                .isTrue();
        assertThat(locks.advisory(Reports.KEY).isLocked())
                .as("and released after")
                .isFalse();
    }

    /** A bean with an annotated method. */
    static class Reports {
        static final String KEY = "boot4-annotated";

        @AdvisoryLock("'" + KEY + "'")
        public boolean lockedWhileRunning(DbLocks locks) {
            return locks.advisory(KEY).isLocked();
        }
    }

    /** A Spring Boot 4 application: every auto-configuration on the class path, nothing scanned. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {
        @Bean
        Reports reports() {
            return new Reports();
        }
    }
}
