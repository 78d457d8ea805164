package io.dblock.example.orders.demo;

import io.dblock.example.orders.service.InvoiceService;
import io.dblock.example.orders.service.InvoiceService.InvoiceResult;
import io.dblock.example.orders.service.NightlyReportJob;
import io.dblock.example.orders.service.OrderService;
import io.dblock.example.orders.service.SettlementService;
import io.dblock.example.orders.service.SettlementService.SettlementSummary;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The services over HTTP (with {@code --server}), to watch their locks at {@code /actuator/dblock}. */
@RestController
@ConditionalOnWebApplication
class DemoController {

    private final OrderService orders;
    private final SettlementService settlements;
    private final InvoiceService invoices;
    private final NightlyReportJob nightlyReport;
    private final TransactionTemplate transaction;

    DemoController(
            OrderService orders,
            SettlementService settlements,
            InvoiceService invoices,
            NightlyReportJob nightlyReport,
            TransactionTemplate transaction) {
        this.orders = orders;
        this.settlements = settlements;
        this.invoices = invoices;
        this.nightlyReport = nightlyReport;
        this.transaction = transaction;
    }

    /** Places an order: waits while a settlement holds the orders' table. */
    @PostMapping("/orders")
    Map<String, Object> placeOrder(@RequestParam long customer, @RequestParam BigDecimal amount) {
        return Map.of("orderId", orders.place(customer, amount));
    }

    @PostMapping("/settlements")
    SettlementSummary settle() {
        return settlements.settleOpenOrders();
    }

    @PostMapping("/invoices/{orderId}")
    InvoiceResult sendInvoice(@PathVariable long orderId) {
        return invoices.send(orderId);
    }

    /** Runs the nightly report now: 200 with the report, or 409 when another node (or request) is running it. */
    @PostMapping("/reports/nightly")
    ResponseEntity<Object> runNightlyReport() {
        return nightlyReport
                .run()
                .<ResponseEntity<Object>>map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.status(409).body(Map.of("skipped", "another node holds the lock")));
    }

    /**
     * Settles, then keeps the settlement's transaction (and so its table lock) open for {@code seconds}: a stand-in
     * for a slow settlement, so that {@code POST /orders} visibly waits and {@code /actuator/dblock} shows it.
     */
    @PostMapping("/demo/hold-orders-table")
    SettlementSummary holdOrdersTable(@RequestParam(defaultValue = "30") long seconds) {
        Duration hold = Duration.ofSeconds(Math.min(Math.max(seconds, 0), 300));
        return transaction.execute(status -> {
            SettlementSummary summary = settlements.settleOpenOrders();
            try {
                Thread.sleep(hold.toMillis()); // the slow part of a settlement, simulated
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return summary;
        });
    }
}
