package io.dblock.spring.boot;

import static io.dblock.spring.boot.metrics.MicrometerLockListener.ACQUIRE;
import static io.dblock.spring.boot.metrics.MicrometerLockListener.HELD;
import static io.dblock.spring.boot.metrics.MicrometerLockListener.HELD_ACTIVE;
import static io.dblock.spring.boot.metrics.MicrometerLockListener.LOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.LockLostException;
import io.dblock.LockTimeoutException;
import io.dblock.inspect.LockFilter;
import io.dblock.spring.boot.actuate.DbLocksDescriptor;
import io.dblock.spring.boot.actuate.DbLocksEndpoint;
import io.dblock.spring.boot.actuate.LockDescriptor;
import io.dblock.testing.Await;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The starter in a whole Spring Boot application (every auto-configuration on the class path, Hikari, Actuator over
 * HTTP, Micrometer's simple registry) on a real database: metrics report what real lock operations did, and the
 * endpoint shows a real holder and a real waiter. One subclass per engine supplies the {@code spring.datasource.*}
 * properties.
 *
 * <p>The application context is shared by the tests of one engine, so metric assertions compare against the values
 * read at the start of each test. "Another node" is a second {@code DbLocks} over the test server's own data source:
 * its locks contend with the application's on the server, not in the application's local queue.
 */
@SpringBootTest(
        classes = StarterContract.Application.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoints.web.exposure.include=dblock,metrics",
            "spring.datasource.hikari.maximum-pool-size=4"
        })
abstract class StarterContract {

    @AutoClose
    final TestThreads threads = new TestThreads();

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Autowired
    DbLocks locks;

    @Autowired
    MeterRegistry registry;

    @Autowired
    DbLocksEndpoint endpoint;

    @Autowired
    DataSource dataSource;

    @LocalServerPort
    int port;

    private DbLocks otherNode;

    /** Points the application at the engine's embedded server. */
    static void dataSourceProperties(DynamicPropertyRegistry registry, Engine engine) {
        registry.add("spring.datasource.url", () -> engine.database().jdbcUrl());
        registry.add("spring.datasource.username", () -> engine.database().user());
        registry.add("spring.datasource.password", () -> engine.database().password());
    }

    @BeforeEach
    void startOtherNode(TestDatabase database) {
        otherNode = DbLocks.create(database.dataSource());
    }

    @Test
    void theApplicationRunsOnTheTestServer(TestDatabase database) {
        assertThat(locks.engineName()).isEqualTo(database.engine());
    }

    @Test
    void acquisitionsAndReleasesAreCountedAndTimed() {
        double acquired = acquireCount("acquired", "session_advisory");
        double held = heldCount();
        double heldNanos = heldNanos();

        for (int i = 0; i < 3; i++) {
            try (LockHandle h = locks.advisory("boot-counted").acquire()) {
                assertThat(h.isHeld()).isTrue();
            }
        }

        assertThat(acquireCount("acquired", "session_advisory")).isEqualTo(acquired + 3);
        assertThat(heldCount()).isEqualTo(held + 3);
        assertThat(heldNanos()).isGreaterThan(heldNanos);
    }

    @Test
    void aContendingHolderMakesTimeoutOutcomes() {
        double timeouts = acquireCount("timeout", "session_advisory");
        double waitedMillis = acquireMillis("timeout", "session_advisory");

        try (LockHandle held = otherNode.advisory("boot-contended").acquire()) {
            assertThat(locks.advisory("boot-contended").tryAcquire()).isEmpty();
            assertThat(locks.advisory("boot-contended").tryAcquire(Duration.ofMillis(300)))
                    .isEmpty();
            assertThatThrownBy(() -> locks.advisory("boot-contended")
                            .timeout(Duration.ofMillis(100))
                            .acquire())
                    .isInstanceOf(LockTimeoutException.class);
        }

        assertThat(acquireCount("timeout", "session_advisory")).isEqualTo(timeouts + 3);
        assertThat(acquireMillis("timeout", "session_advisory") - waitedMillis)
                .as("the server made them wait 300 ms and 100 ms")
                .isGreaterThanOrEqualTo(400);
    }

    @Test
    void theActiveGaugeFollowsHeldLocks() {
        assertThat(active()).isZero();
        try (LockHandle first = locks.advisory("boot-active-1").acquire()) {
            assertThat(active()).isEqualTo(1);
            try (LockHandle second = locks.advisory("boot-active-2").acquire()) {
                assertThat(active()).isEqualTo(2);
            }
            assertThat(active()).isEqualTo(1);
        }
        assertThat(active()).isZero();
    }

    @Test
    void theConnectionGaugesAndTheEndpointShowTheSharedConnectionAndItsHolds() {
        try (LockHandle first = locks.advisory("boot-conn-1").acquire();
                LockHandle second = locks.advisory("boot-conn-2").acquire()) {
            assertThat(second.connectionId()).as("multiplexed: one connection").isEqualTo(first.connectionId());
            assertThat(gauge(io.dblock.spring.boot.metrics.DbLocksMetricsAutoConfiguration.CONNECTIONS_ACTIVE))
                    .isEqualTo(1);
            assertThat(gauge(io.dblock.spring.boot.metrics.DbLocksMetricsAutoConfiguration.CONNECTIONS_HOLDS_MAX))
                    .isEqualTo(2);
            assertThat(gauge(io.dblock.spring.boot.metrics.DbLocksMetricsAutoConfiguration.CONNECTIONS_MAX))
                    .isEqualTo(locks.inspector().connections().maxConnections())
                    .isPositive();
            io.dblock.inspect.ConnectionUse shown = new io.dblock.spring.boot.actuate.DbLocksEndpoint(locks)
                    .locks()
                    .connections();
            assertThat(shown.multiplexed()).isTrue();
            assertThat(shown.holdsPerConnection()).containsExactly(2);
        }
        assertThat(gauge(io.dblock.spring.boot.metrics.DbLocksMetricsAutoConfiguration.CONNECTIONS_ACTIVE))
                .isZero();
    }

    private double gauge(String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    @Test
    void aLockWhoseSessionIsTerminatedIsCountedLost() throws Exception {
        double lost = lostCount();
        double held = heldCount();
        LockHandle handle = locks.advisory("boot-lost").acquire();
        long connectionId = handle.connectionId();
        assertThat(active()).isEqualTo(1);

        // from another thread: the inspector refuses to signal the session it runs on, here the holder's pinned one
        boolean terminated = threads.start(
                        "terminates-holder", () -> locks.inspector().terminate(connectionId))
                .get(10, TimeUnit.SECONDS);
        assertThat(terminated).isTrue();
        Await.until(PATIENCE, "session " + connectionId + " gone from the server", () -> otherNode
                .inspector()
                .locks(LockFilter.all().connection(connectionId))
                .isEmpty());
        try {
            handle.release();
        } catch (LockLostException e) {
            // the unlock met the dead session (unless the keepalive found it first): lost either way, counted once
        }

        assertThat(handle.isHeld()).isFalse();
        assertThat(lostCount()).isEqualTo(lost + 1);
        assertThat(heldCount()).as("a lost lock has no hold time").isEqualTo(held);
        assertThat(active()).isZero();
    }

    @Test
    void tableLocksAreTimedAsTableKind() throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS dblock_boot_orders (id INT)");
        }
        double tables = acquireCount("acquired", "table");

        int result = locks.tables().write("dblock_boot_orders").inTransaction(connection -> 42);

        assertThat(result).isEqualTo(42);
        assertThat(acquireCount("acquired", "table")).isEqualTo(tables + 1);
    }

    @Test
    void theEndpointShowsAHolderAndAWaiter() throws Exception {
        String target = "advisory " + LockKey.of("boot-endpoint");
        try (LockHandle held = locks.advisory("boot-endpoint").acquire()) {
            Future<Long> waiter = threads.start("waiter", () -> {
                try (LockHandle h = otherNode.advisory("boot-endpoint").acquire()) {
                    return h.connectionId();
                }
            });
            Await.until(PATIENCE, "the waiter in the endpoint's answer", () -> endpoint.locks().locks().stream()
                    .anyMatch(lock -> lock.target().equals(target) && !lock.granted()));

            DbLocksDescriptor report = endpoint.locks();
            LockDescriptor holder = only(report, target, true);
            LockDescriptor waiting = only(report, target, false);
            assertThat(holder.connectionId()).isEqualTo(held.connectionId());
            assertThat(holder.kind()).isEqualTo("ADVISORY");
            assertThat(holder.mode()).isEqualTo("EXCLUSIVE");
            assertThat(holder.user()).isNotBlank();
            assertThat(waiting.state()).isEqualTo("ACTIVE");
            assertThat(waiting.waitedMillis()).isNotNull().isNotNegative();
            assertThat(report.waits()).anySatisfy(wait -> {
                assertThat(wait.waiter().connectionId()).isEqualTo(waiting.connectionId());
                assertThat(wait.blocker().connectionId()).isEqualTo(held.connectionId());
                assertThat(wait.target()).isEqualTo(target);
            });

            JsonNode json = getJson("/actuator/dblock");
            assertThat(json.get("engine").asText()).isEqualTo(locks.engineName());
            assertThat(json.get("locks")).anySatisfy(lock -> {
                assertThat(lock.get("target").asText()).isEqualTo(target);
                assertThat(lock.get("granted").asBoolean()).isTrue();
                assertThat(lock.get("connectionId").asLong()).isEqualTo(held.connectionId());
            });
            assertThat(json.get("waits")).anySatisfy(wait -> assertThat(
                            wait.get("blocker").get("connectionId").asLong())
                    .isEqualTo(held.connectionId()));
            System.out.println("GET /actuator/dblock on " + locks.engineName() + ":\n" + json.toPrettyString());

            held.release();
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(waiting.connectionId());
        }
    }

    @Test
    void metricsAreServedByTheActuator() throws Exception {
        locks.advisory("boot-served").acquire().release();

        JsonNode json = getJson("/actuator/metrics/" + ACQUIRE + "?tag=engine:" + locks.engineName());

        assertThat(json.get("name").asText()).isEqualTo(ACQUIRE);
        assertThat(json.get("availableTags"))
                .anySatisfy(tag -> assertThat(tag.get("tag").asText()).isEqualTo("outcome"));
    }

    private static LockDescriptor only(DbLocksDescriptor report, String target, boolean granted) {
        return report.locks().stream()
                .filter(lock -> lock.target().equals(target) && lock.granted() == granted)
                .reduce((a, b) -> {
                    throw new AssertionError("two " + (granted ? "holders" : "waiters") + " in " + report);
                })
                .orElseThrow(() -> new AssertionError("no " + (granted ? "holder" : "waiter") + " in " + report));
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    private Timer acquireTimer(String outcome, String kind) {
        return registry.find(ACQUIRE)
                .tags("outcome", outcome, "kind", kind, "engine", locks.engineName())
                .timer();
    }

    private double acquireCount(String outcome, String kind) {
        Timer timer = acquireTimer(outcome, kind);
        return timer == null ? 0 : timer.count();
    }

    private double acquireMillis(String outcome, String kind) {
        Timer timer = acquireTimer(outcome, kind);
        return timer == null ? 0 : timer.totalTime(TimeUnit.MILLISECONDS);
    }

    private double heldCount() {
        Timer timer = registry.find(HELD).tag("engine", locks.engineName()).timer();
        return timer == null ? 0 : timer.count();
    }

    private double heldNanos() {
        Timer timer = registry.find(HELD).tag("engine", locks.engineName()).timer();
        return timer == null ? 0 : timer.totalTime(TimeUnit.NANOSECONDS);
    }

    private double lostCount() {
        Counter counter = registry.find(LOST).tag("engine", locks.engineName()).counter();
        return counter == null ? 0 : counter.count();
    }

    private double active() {
        Gauge gauge =
                registry.find(HELD_ACTIVE).tag("engine", locks.engineName()).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    /** The whole application: every auto-configuration on the test class path, nothing scanned. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {}
}
