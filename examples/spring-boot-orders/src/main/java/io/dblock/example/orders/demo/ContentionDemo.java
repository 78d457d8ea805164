package io.dblock.example.orders.demo;

import io.dblock.DbLocks;
import io.dblock.LockKey;
import io.dblock.example.orders.domain.Customer;
import io.dblock.example.orders.domain.CustomerRepository;
import io.dblock.example.orders.domain.ExpressOrder;
import io.dblock.example.orders.domain.PurchaseOrder;
import io.dblock.example.orders.domain.PurchaseOrderRepository;
import io.dblock.example.orders.domain.Settlement;
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
import io.dblock.testing.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Three scenes of contention, printed as a timeline, each checked at the end (a failed check fails the run):
 *
 * <ol>
 *   <li>a settlement holds {@code @TableLock(entities = PurchaseOrder.class)} while an order is being inserted: the
 *       insert waits on the server until the settlement commits;
 *   <li>four threads send the same invoice under {@code @AdvisoryLock("'invoice:' + #orderId")}: one at a time, and
 *       the invoice goes out once;
 *   <li>two "nodes" start the nightly report at once: one runs it, the other skips.
 * </ol>
 *
 * <p>Nothing sleeps to line threads up: a scene waits for the other thread's state as the database or dblock reports
 * it ({@code pg_locks} through {@link DbLocks#inspector()}, {@link DbLocks#locallyWaitingThreads()}), with a deadline.
 * Runs when {@code demo.run=true}, which {@code OrdersApplication.main} sets (tests don't).
 */
@Component
@ConditionalOnProperty(name = "demo.run", havingValue = "true")
public class ContentionDemo implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ContentionDemo.class);
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final int INVOICE_SENDERS = 4;

    private final DbLocks locks;
    private final TableNameResolver tableNames;
    private final TransactionTemplate transaction;
    private final CustomerRepository customers;
    private final PurchaseOrderRepository orders;
    private final SettlementRepository settlements;
    private final OrderService orderService;
    private final SettlementService settlementService;
    private final InvoiceService invoiceService;
    private final NightlyReportJob nightlyReport;
    private final SimulatedInvoiceGateway gateway;
    private final SimulatedReportPublisher publisher;
    private final MeterRegistry meters;
    private final Environment environment;

    ContentionDemo(
            DbLocks locks,
            TableNameResolver tableNames,
            TransactionTemplate transaction,
            CustomerRepository customers,
            PurchaseOrderRepository orders,
            SettlementRepository settlements,
            OrderService orderService,
            SettlementService settlementService,
            InvoiceService invoiceService,
            NightlyReportJob nightlyReport,
            SimulatedInvoiceGateway gateway,
            SimulatedReportPublisher publisher,
            MeterRegistry meters,
            Environment environment) {
        this.locks = locks;
        this.tableNames = tableNames;
        this.transaction = transaction;
        this.customers = customers;
        this.orders = orders;
        this.settlements = settlements;
        this.orderService = orderService;
        this.settlementService = settlementService;
        this.invoiceService = invoiceService;
        this.nightlyReport = nightlyReport;
        this.gateway = gateway;
        this.publisher = publisher;
        this.meters = meters;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        long start = System.nanoTime();
        log.info("dblock demo on {} {}", locks.engineName(), locks.serverVersion());
        log.info(
                "Tables by entity (the starter's TableNameResolver, i.e. JpaTables.list): PurchaseOrder -> {},"
                        + " ExpressOrder -> {}",
                tableNames.tables(PurchaseOrder.class),
                tableNames.tables(ExpressOrder.class));
        Customer ada = customers.save(new Customer("Ada"));
        Customer grace = customers.save(new Customer("Grace"));
        long first = orderService.place(ada.getId(), new BigDecimal("120.00"));
        orderService.place(grace.getId(), new BigDecimal("35.50"));
        orderService.placeExpress(ada.getId(), new BigDecimal("18.20"), "Rapid Couriers");
        log.info("Seeded 2 customers and 3 open orders (one of them an ExpressOrder)");

        settlementWhileAnOrderComesIn(grace);
        oneInvoiceSentByFourThreads(first);
        nightlyReportOnTwoNodes();
        printMetrics();

        log.info("Demo finished in {} ms: all checks passed", elapsedMillis(start));
        if (environment.getProperty("demo.keep-running", Boolean.class, false)) {
            String port = environment.getProperty("local.server.port", "8080");
            log.info("Serving on http://localhost:{} (Ctrl-C to stop). Try:", port);
            log.info("  curl -s localhost:{}/actuator/dblock", port);
            log.info("  curl -s localhost:{}/actuator/metrics/dblock.acquire", port);
            log.info(
                    "  curl -s -X POST 'localhost:{}/demo/hold-orders-table?seconds=30' & curl -s -X POST"
                            + " 'localhost:{}/orders?customer={}&amount=9.99' & curl -s localhost:{}/actuator/dblock",
                    port,
                    port,
                    grace.getId(),
                    port);
        }
    }

    /** Scene 1: the settlement's table lock makes a concurrent insert wait for its commit. */
    private void settlementWhileAnOrderComesIn(Customer customer) throws Exception {
        log.info("");
        log.info("== 1. @TableLock(entities = PurchaseOrder.class, mode = SHARE_ROW_EXCLUSIVE) vs. a new order ==");
        long openBefore = orders.countBySettlementIsNull();
        CountDownLatch tableLocked = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2, named("settler", "order-desk"));
        try {
            Future<SettlementSummary> settler = threads.submit(() -> transaction.execute(status -> {
                // The caller's transaction is open around the @Transactional method, so the table lock outlives
                // the call: the demo keeps it open until it has seen the insert waiting.
                SettlementSummary summary = settlementService.settleOpenOrders();
                log.info(
                        "settled {} open orders, total {}; transaction still open, table still locked",
                        summary.orders(),
                        summary.total());
                tableLocked.countDown();
                List<LockInfo> onTable = awaitWaiterOn("purchase_order");
                log.info("pg_locks on purchase_order, as DbLocks.inspector().locks() reports them:");
                onTable.forEach(lock -> log.info("    {}", describe(lock)));
                log.info("commit (ends the table lock)");
                return summary;
            }));
            await(tableLocked, "the settlement to lock the table");
            Future<Timed<Long>> orderDesk = threads.submit(timed(() -> {
                log.info("placing an order for {} (INSERT INTO purchase_order ...)", customer.getName());
                return orderService.place(customer.getId(), new BigDecimal("9.99"));
            }));
            SettlementSummary summary = settler.get(30, TimeUnit.SECONDS);
            Timed<Long> placed = orderDesk.get(30, TimeUnit.SECONDS);
            log.info(
                    "order {} placed: the INSERT took {} ms, waiting for the settlement to commit",
                    placed.value(),
                    placed.ms());

            Settlement settlement = settlements.findById(summary.settlementId()).orElseThrow();
            check(
                    summary.orders() == openBefore && orders.countBySettlement(settlement) == openBefore,
                    "the settlement booked the " + openBefore + " orders that were open before it");
            check(
                    orders.totalOf(settlement).compareTo(summary.total()) == 0,
                    "the settlement's total (" + summary.total() + ") is the sum of its orders");
            check(
                    orders.findById(placed.value()).orElseThrow().getSettlement() == null,
                    "the order placed during the settlement is still open (it waited, it was not lost)");
        } finally {
            shutdown(threads);
        }
    }

    /** Scene 2: four threads, one invoice. */
    private void oneInvoiceSentByFourThreads(long orderId) throws Exception {
        log.info("");
        log.info(
                "== 2. @AdvisoryLock(key = \"'invoice:' + #orderId\"): {} threads send invoice {} ==",
                INVOICE_SENDERS,
                orderId);
        LockKey key = LockKey.of("invoice:" + orderId);
        gateway.reset();
        gateway.duringSend(() -> {
            Await.until(
                    DEADLINE,
                    "the other senders to queue for the invoice's lock",
                    () -> locks.locallyWaitingThreads() + waitersOnServer(key) == INVOICE_SENDERS - 1);
            log.info(
                    "gateway: still sending; {} other senders are queued for advisory \"invoice:{}\" ({} in dblock's"
                            + " local queue, holding no connection; {} on the server)",
                    INVOICE_SENDERS - 1,
                    orderId,
                    locks.locallyWaitingThreads(),
                    waitersOnServer(key));
        });
        ExecutorService threads = Executors.newFixedThreadPool(
                INVOICE_SENDERS, named("invoice-1", "invoice-2", "invoice-3", "invoice-4"));
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Timed<InvoiceResult>>> senders = new ArrayList<>();
            for (int i = 0; i < INVOICE_SENDERS; i++) {
                senders.add(threads.submit(timed(() -> {
                    await(go, "the start signal");
                    InvoiceResult result = invoiceService.send(orderId);
                    log.info(result.sentNow() ? "sent {}" : "returned: {} was already sent", result.invoiceNumber());
                    return result;
                })));
            }
            go.countDown();
            int sentNow = 0;
            for (Future<Timed<InvoiceResult>> sender : senders) {
                sentNow += sender.get(30, TimeUnit.SECONDS).value().sentNow() ? 1 : 0;
            }
            check(sentNow == 1, "exactly one call sent the invoice (" + sentNow + ")");
            check(gateway.sent().size() == 1, "the gateway got exactly one invoice (" + gateway.sent() + ")");
            check(gateway.mostConcurrentSends() == 1, "never two sends at once");
        } finally {
            gateway.reset();
            shutdown(threads);
        }
    }

    /** Scene 3: the nightly report, started on two nodes at the same moment. */
    private void nightlyReportOnTwoNodes() throws Exception {
        log.info("");
        log.info("== 3. @AdvisoryLock(key = \"'nightly-report'\", onTimeout = SKIP) on two nodes at once ==");
        CountDownLatch otherNodeDone = new CountDownLatch(1);
        publisher.reset();
        publisher.duringPublish(() -> await(otherNodeDone, "the other node to return"));
        ExecutorService nodes = Executors.newFixedThreadPool(2, named("node-1", "node-2"));
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<NightlyReport>>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(nodes.submit(() -> {
                    await(go, "the start signal");
                    log.info("nightly report: starting");
                    Optional<NightlyReport> report = nightlyReport.run();
                    if (report.isEmpty()) {
                        log.info("nightly report: skipped, another node is running it");
                        otherNodeDone.countDown();
                    } else {
                        log.info("nightly report: done");
                    }
                    return report;
                }));
            }
            go.countDown();
            int ran = 0;
            for (Future<Optional<NightlyReport>> run : runs) {
                ran += run.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0;
            }
            check(ran == 1, "exactly one node produced the report (" + ran + ")");
            check(publisher.published().size() == 1, "the report was published once");
        } finally {
            publisher.reset();
            shutdown(nodes);
        }
    }

    private void printMetrics() {
        log.info("");
        log.info("== Micrometer: dblock.acquire (also at /actuator/metrics/dblock.acquire with --server) ==");
        meters.find("dblock.acquire").timers().stream()
                .sorted(Comparator.comparing((Timer timer) -> timer.getId().getTag("kind"))
                        .thenComparing(timer -> timer.getId().getTag("outcome")))
                .forEach(timer -> log.info(
                        "    kind={} outcome={}: count {}, max {} ms",
                        timer.getId().getTag("kind"),
                        timer.getId().getTag("outcome"),
                        timer.count(),
                        Math.round(timer.max(TimeUnit.MILLISECONDS))));
    }

    /** Polls {@code pg_locks} until some session waits for a lock on {@code table}; returns all locks on it. */
    private List<LockInfo> awaitWaiterOn(String table) {
        LockFilter onTable = LockFilter.all().table(table);
        List<List<LockInfo>> seen = new ArrayList<>(List.of(List.of()));
        Await.until(DEADLINE, "a session waiting for " + table, () -> {
            List<LockInfo> current = locks.inspector().locks(onTable);
            seen.set(0, current);
            return current.stream().anyMatch(lock -> !lock.granted());
        });
        return seen.get(0);
    }

    private int waitersOnServer(LockKey key) {
        return locks.inspector().locks(LockFilter.all().key(key).granted(false)).size();
    }

    private static String describe(LockInfo lock) {
        String why;
        if (!lock.granted()) {
            why = "<- the new order, for " + lock.waited().orElse(Duration.ZERO).toMillis() + " ms: "
                    + lock.session().query().orElse("?").strip();
        } else {
            why = switch (lock.mode()) {
                case "SHARE_ROW_EXCLUSIVE" -> "<- @TableLock";
                case "ACCESS_SHARE" -> "(the settlement's SELECT)";
                case "ROW_EXCLUSIVE" -> "(the settlement's UPDATE)";
                default -> "";
            };
        }
        return "%-7s %-19s connection %-6d %-19s %s"
                .formatted(
                        lock.granted() ? "HELD" : "WAITING",
                        lock.mode(),
                        lock.connectionId(),
                        lock.session().state(),
                        why);
    }

    private record Timed<T>(T value, long ms) {}

    private static <T> Callable<Timed<T>> timed(Callable<T> work) {
        return () -> {
            long start = System.nanoTime();
            T value = work.call();
            return new Timed<>(value, elapsedMillis(start));
        };
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("demo: timed out waiting for " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("demo: interrupted waiting for " + what, e);
        }
    }

    private static void check(boolean condition, String expectation) {
        if (!condition) {
            throw new IllegalStateException("demo check failed: " + expectation);
        }
        log.info("check: {}", expectation);
    }

    private static java.util.concurrent.ThreadFactory named(String... names) {
        AtomicInteger next = new AtomicInteger();
        return work -> new Thread(work, names[next.getAndIncrement() % names.length]);
    }

    private static void shutdown(ExecutorService threads) throws InterruptedException {
        threads.shutdownNow();
        if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("demo threads did not stop");
        }
    }
}
