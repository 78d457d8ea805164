package io.dblock.example.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.TableName;
import io.dblock.example.orders.domain.Customer;
import io.dblock.example.orders.domain.CustomerRepository;
import io.dblock.example.orders.domain.ExpressOrder;
import io.dblock.example.orders.domain.PurchaseOrder;
import io.dblock.example.orders.domain.PurchaseOrderRepository;
import io.dblock.example.orders.domain.SettlementRepository;
import io.dblock.example.orders.external.SimulatedInvoiceGateway;
import io.dblock.example.orders.external.SimulatedReportPublisher;
import io.dblock.example.orders.service.InvoiceService;
import io.dblock.example.orders.service.InvoiceService.InvoiceResult;
import io.dblock.example.orders.service.NightlyReport;
import io.dblock.example.orders.service.NightlyReportJob;
import io.dblock.example.orders.service.OrderService;
import io.dblock.example.orders.service.SettlementService;
import io.dblock.example.orders.service.SettlementService.SettlementSummary;
import io.dblock.inspect.LockFilter;
import io.dblock.inspect.LockInfo;
import io.dblock.spring.TableNameResolver;
import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.testing.Await;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The example application as it starts (the dblock starter's auto-configuration, no {@code @EnableDbLocks}, no
 * resolver of its own) on the embedded PostgreSQL its {@code EmbeddedPostgresEnvironmentPostProcessor} starts.
 * Threads are lined up with latches and with what the server or dblock reports, never with sleeps.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class OrdersApplicationTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Autowired
    DbLocks locks;

    @Autowired
    TableNameResolver tableNames;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    CustomerRepository customers;

    @Autowired
    PurchaseOrderRepository orders;

    @Autowired
    SettlementRepository settlements;

    @Autowired
    OrderService orderService;

    @Autowired
    SettlementService settlementService;

    @Autowired
    InvoiceService invoiceService;

    @Autowired
    NightlyReportJob nightlyReport;

    @Autowired
    SimulatedInvoiceGateway gateway;

    @Autowired
    SimulatedReportPublisher publisher;

    @Autowired
    ScheduledTaskHolder scheduler;

    @Autowired
    RacingCounter counter;

    @LocalServerPort
    int port;

    ExecutorService threads;

    @BeforeEach
    void start() {
        threads = Executors.newFixedThreadPool(4);
        jdbc.execute("CREATE TABLE IF NOT EXISTS racing_counter (id INT PRIMARY KEY, value INT NOT NULL)");
        jdbc.update("DELETE FROM racing_counter");
        jdbc.update("INSERT INTO racing_counter (id, value) VALUES (1, 0)");
    }

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        gateway.reset();
        publisher.reset();
        counter.gap(() -> {});
        assertThat(locks.inspector().locks().stream().filter(lock -> lock.kind() == LockInfo.Kind.ADVISORY))
                .as("advisory locks left behind")
                .isEmpty();
    }

    // ---- the starter's wiring

    @Test
    void theStarterResolvesEntitiesToTheirTablesThroughTheJpaMapping() {
        assertThat(tableNames.tables(PurchaseOrder.class)).containsExactly(TableName.of("purchase_order"));
        assertThat(tableNames.tables(ExpressOrder.class))
                .as("JOINED: the root's table first")
                .containsExactly(TableName.of("purchase_order"), TableName.of("express_order"));
    }

    // ---- (a) @AdvisoryLock gives mutual exclusion: a racing read-modify-write counter

    @Test
    void withoutTheLockTwoOverlappingIncrementsLoseOne() throws Exception {
        CyclicBarrier bothHaveRead = new CyclicBarrier(2);
        counter.gap(() -> await(bothHaveRead));
        runTogether(2, 1, counter::unlockedIncrement);
        assertThat(counter.value()).as("two increments, one lost").isEqualTo(1);
    }

    @Test
    void withTheAdvisoryLockTheSecondIncrementWaitsAndNothingIsLost() throws Exception {
        // The first increment to read keeps its read-modify-write gap open until the other one is seen queued for
        // the lock (dblock queues a DbLocks' own threads locally, in memory). Without mutual exclusion the other
        // increment would not queue: this wait would time out, or the value would be 1.
        AtomicBoolean first = new AtomicBoolean(true);
        counter.gap(() -> {
            if (first.getAndSet(false)) {
                Await.until(
                        DEADLINE,
                        "the other increment to wait for advisory \"racing-counter\"",
                        () -> locks.locallyWaitingThreads() == 1);
            }
        });
        runTogether(2, 1, counter::lockedIncrement);
        assertThat(counter.value()).isEqualTo(2);
    }

    @Test
    void manyLockedIncrementsLoseNothing() throws Exception {
        runTogether(4, 10, counter::lockedIncrement);
        assertThat(counter.value()).isEqualTo(40);
    }

    // ---- (b) @TableLock(entities = PurchaseOrder.class) holds back inserts until commit

    @Test
    void whileTheSettlementHoldsTheTableAnInsertWaitsAndProceedsAfterCommit() throws Exception {
        Customer customer = customers.save(new Customer("Table-lock test"));
        orderService.place(customer.getId(), new BigDecimal("10.00"));
        long openBefore = orders.countBySettlementIsNull();
        CountDownLatch tableLocked = new CountDownLatch(1);
        CountDownLatch mayCommit = new CountDownLatch(1);
        Future<SettlementSummary> settlement = threads.submit(() -> transaction.execute(status -> {
            SettlementSummary summary = settlementService.settleOpenOrders();
            tableLocked.countDown();
            await(mayCommit);
            return summary;
        }));
        await(tableLocked);
        Long settler = heldBy("purchase_order", "SHARE_ROW_EXCLUSIVE");
        assertThat(settler)
                .as("the settlement's transaction holds SHARE ROW EXCLUSIVE")
                .isNotNull();

        Future<Long> insert = threads.submit(() -> orderService.place(customer.getId(), new BigDecimal("20.00")));
        List<LockInfo> waiting = awaitWaitersOn("purchase_order");
        assertThat(waiting).singleElement().satisfies(lock -> {
            assertThat(lock.mode()).isEqualTo("ROW_EXCLUSIVE");
            assertThat(lock.connectionId()).isNotEqualTo(settler);
        });
        assertThat(locks.inspector().waits())
                .as("the server reports the settlement as the insert's blocker")
                .anySatisfy(wait -> {
                    assertThat(wait.waiter().connectionId())
                            .isEqualTo(waiting.get(0).connectionId());
                    assertThat(wait.blocker().connectionId()).isEqualTo(settler);
                });
        assertThat(insert).as("the insert is blocked").isNotDone();

        mayCommit.countDown();
        SettlementSummary summary = settlement.get(30, TimeUnit.SECONDS);
        long orderId = insert.get(30, TimeUnit.SECONDS);
        assertThat(summary.orders()).isEqualTo(openBefore);
        assertThat(orders.countBySettlement(
                        settlements.findById(summary.settlementId()).orElseThrow()))
                .isEqualTo(openBefore);
        assertThat(orders.findById(orderId).orElseThrow().getSettlement())
                .as("the order inserted after the commit is open")
                .isNull();
        assertThat(locks.inspector().locks(LockFilter.all().table("purchase_order")))
                .as("no lock on the table after both committed")
                .isEmpty();
    }

    @Test
    void aSecondSettlementWaitsForTheFirst() throws Exception {
        CountDownLatch tableLocked = new CountDownLatch(1);
        CountDownLatch mayCommit = new CountDownLatch(1);
        Future<SettlementSummary> first = threads.submit(() -> transaction.execute(status -> {
            SettlementSummary summary = settlementService.settleOpenOrders();
            tableLocked.countDown();
            await(mayCommit);
            return summary;
        }));
        await(tableLocked);
        Future<SettlementSummary> second = threads.submit(settlementService::settleOpenOrders);
        assertThat(awaitWaitersOn("purchase_order")).singleElement().satisfies(lock -> assertThat(lock.mode())
                .isEqualTo("SHARE_ROW_EXCLUSIVE"));
        assertThat(second).isNotDone();
        mayCommit.countDown();
        first.get(30, TimeUnit.SECONDS);
        assertThat(second.get(30, TimeUnit.SECONDS).orders())
                .as("the second settlement finds nothing left to book")
                .isZero();
    }

    // ---- advisory lock with a SpEL key: one invoice, four senders

    @Test
    void fourThreadsSendingTheSameInvoiceSendItOnceOneAtATime() throws Exception {
        Customer customer = customers.save(new Customer("Invoice test"));
        long orderId = orderService.place(customer.getId(), new BigDecimal("42.00"));
        gateway.duringSend(() -> Await.until(
                DEADLINE,
                "the three other senders to queue for advisory \"invoice:" + orderId + "\"",
                () -> locks.locallyWaitingThreads()
                                + locks.inspector()
                                        .locks(LockFilter.all()
                                                .key(LockKey.of("invoice:" + orderId))
                                                .granted(false))
                                        .size()
                        == 3));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<InvoiceResult>> senders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            senders.add(threads.submit(() -> {
                await(go);
                return invoiceService.send(orderId);
            }));
        }
        go.countDown();
        List<InvoiceResult> results = new ArrayList<>();
        for (Future<InvoiceResult> sender : senders) {
            results.add(sender.get(30, TimeUnit.SECONDS));
        }
        assertThat(results).filteredOn(InvoiceResult::sentNow).hasSize(1);
        assertThat(results).extracting(InvoiceResult::invoiceNumber).containsOnly("INV-%06d".formatted(orderId));
        assertThat(gateway.sent()).singleElement().satisfies(sent -> assertThat(sent.orderId())
                .isEqualTo(orderId));
        assertThat(gateway.mostConcurrentSends()).isEqualTo(1);
        assertThat(orders.findById(orderId).orElseThrow().getInvoiceNumber()).isEqualTo("INV-%06d".formatted(orderId));
    }

    @Test
    void invoicesOfDifferentOrdersDoNotWaitForEachOther() throws Exception {
        Customer customer = customers.save(new Customer("Two invoices"));
        long one = orderService.place(customer.getId(), new BigDecimal("1.00"));
        long two = orderService.place(customer.getId(), new BigDecimal("2.00"));
        CyclicBarrier bothSending = new CyclicBarrier(2);
        gateway.duringSend(() -> await(bothSending)); // only passes if both sends are in progress at once
        Future<InvoiceResult> first = threads.submit(() -> invoiceService.send(one));
        Future<InvoiceResult> second = threads.submit(() -> invoiceService.send(two));
        assertThat(first.get(30, TimeUnit.SECONDS).sentNow()).isTrue();
        assertThat(second.get(30, TimeUnit.SECONDS).sentNow()).isTrue();
        assertThat(gateway.mostConcurrentSends()).isEqualTo(2);
    }

    // ---- (c) the nightly report runs on one node and is skipped elsewhere

    @Test
    void theNightlyReportIsSkippedWhileAnotherThreadRunsIt() throws Exception {
        CountDownLatch publishing = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        publisher.duringPublish(() -> {
            publishing.countDown();
            await(mayFinish);
        });
        Future<Optional<NightlyReport>> running = threads.submit(nightlyReport::run);
        await(publishing);

        long start = System.nanoTime();
        Optional<NightlyReport> skipped = nightlyReport.run();
        assertThat(skipped).as("skipped while the other run holds the lock").isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("SKIP without a timeout does not wait")
                .isLessThan(Duration.ofSeconds(5));

        mayFinish.countDown();
        assertThat(running.get(30, TimeUnit.SECONDS)).isPresent();
        assertThat(publisher.published()).hasSize(1);
        assertThat(nightlyReport.run()).as("runs again once the lock is free").isPresent();
    }

    @Test
    void theNightlyReportAndItsScheduledRunAreSkippedWhileAnotherNodeHoldsTheLock() throws Exception {
        Runnable scheduledRun = scheduledNightlyReport();
        // "Another node": a database session of its own, outside this application's DbLocks, taking the same key.
        long key = LockKey.of("nightly-report").longValue();
        try (Connection otherNode = dataSource.getConnection()) {
            assertThat(query(otherNode, "SELECT pg_try_advisory_lock(?)", key)).isTrue();
            try {
                assertThat(nightlyReport.run()).isEmpty();
                scheduledRun.run();
                assertThat(publisher.published()).as("neither call published").isEmpty();
            } finally {
                assertThat(query(otherNode, "SELECT pg_advisory_unlock(?)", key))
                        .isTrue();
            }
        }
        scheduledRun.run();
        assertThat(publisher.published())
                .as("the scheduled run published once the lock was free")
                .hasSize(1);
    }

    // ---- Actuator

    @Test
    void actuatorShowsTheLocksAndTheAcquireTimer() throws Exception {
        try (LockHandle held = locks.advisory("actuator-check").acquire()) {
            HttpResponse<String> dblock = get("/actuator/dblock");
            assertThat(dblock.statusCode()).isEqualTo(200);
            assertThat(dblock.body()).contains("\"engine\":\"PostgreSQL\"").contains("actuator-check");
        }
        HttpResponse<String> metric = get("/actuator/metrics/dblock.acquire");
        assertThat(metric.statusCode()).isEqualTo(200);
        assertThat(metric.body()).contains("\"name\":\"dblock.acquire\"").contains("\"outcome\"");
    }

    // ---- helpers

    private Runnable scheduledNightlyReport() {
        List<Runnable> found = scheduler.getScheduledTasks().stream()
                .map(ScheduledTask::getTask)
                .map(task -> task.getRunnable())
                .filter(runnable -> runnable.toString().contains("NightlyReportJob.run"))
                .toList();
        assertThat(found).as("the @Scheduled nightly report").hasSize(1);
        return found.get(0);
    }

    private Long heldBy(String table, String mode) {
        return locks.inspector().locks(LockFilter.all().table(table).granted(true)).stream()
                .filter(lock -> lock.mode().equals(mode))
                .map(LockInfo::connectionId)
                .findFirst()
                .orElse(null);
    }

    private List<LockInfo> awaitWaitersOn(String table) {
        LockFilter waiting = LockFilter.all().table(table).granted(false);
        Await.until(DEADLINE, "a session waiting for " + table, () -> !locks.inspector()
                .locks(waiting)
                .isEmpty());
        return locks.inspector().locks(waiting);
    }

    private void runTogether(int callers, int callsEach, Runnable increment) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            calls.add(threads.submit((Callable<Void>) () -> {
                await(go);
                for (int j = 0; j < callsEach; j++) {
                    increment.run();
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> call : calls) {
            call.get(60, TimeUnit.SECONDS);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .timeout(DEADLINE)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static boolean query(Connection connection, String sql, long key) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, key);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("timed out after " + DEADLINE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("the two calls did not overlap", e);
        }
    }

    /** A counter with a deliberate gap between its read and its write. */
    public static class RacingCounter {

        private final JdbcTemplate jdbc;
        private volatile Runnable gap = () -> {};

        public RacingCounter(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        public void gap(Runnable gap) {
            this.gap = gap;
        }

        public void unlockedIncrement() {
            increment();
        }

        @AdvisoryLock(key = "'racing-counter'")
        public void lockedIncrement() {
            increment();
        }

        public int value() {
            return jdbc.queryForObject("SELECT value FROM racing_counter WHERE id = 1", Integer.class);
        }

        private void increment() {
            int read = value();
            gap.run();
            jdbc.update("UPDATE racing_counter SET value = ? WHERE id = 1", read + 1);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        RacingCounter racingCounter(JdbcTemplate jdbc) {
            return new RacingCounter(jdbc);
        }
    }
}
