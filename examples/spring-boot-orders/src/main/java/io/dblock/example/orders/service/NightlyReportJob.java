package io.dblock.example.orders.service;

import io.dblock.example.orders.domain.PurchaseOrderRepository;
import io.dblock.example.orders.domain.Settlement;
import io.dblock.example.orders.domain.SettlementRepository;
import io.dblock.example.orders.external.ReportPublisher;
import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.annotation.OnTimeout;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The nightly report. Every node of the application schedules it; the advisory lock lets exactly one of them run it
 * and the others skip at once ({@code SKIP} without a timeout does not wait): {@code pg_try_advisory_lock} on the key
 * {@code "nightly-report"}, held from before the transaction begins until after it ends.
 */
@Service
public class NightlyReportJob {

    private final PurchaseOrderRepository orders;
    private final SettlementRepository settlements;
    private final ReportPublisher publisher;

    public NightlyReportJob(
            PurchaseOrderRepository orders, SettlementRepository settlements, ReportPublisher publisher) {
        this.orders = orders;
        this.settlements = settlements;
        this.publisher = publisher;
    }

    /**
     * Builds and publishes the report.
     *
     * @return the report, or empty when another node (or thread) is running it right now
     */
    @Scheduled(cron = "${orders.nightly-report.cron:0 30 2 * * *}")
    @AdvisoryLock(key = "'nightly-report'", onTimeout = OnTimeout.SKIP)
    @Transactional(readOnly = true)
    public Optional<NightlyReport> run() {
        BigDecimal settledTotal =
                settlements.findAll().stream().map(Settlement::getTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
        NightlyReport report = new NightlyReport(
                Instant.now(),
                Thread.currentThread().getName(),
                orders.count(),
                orders.countBySettlementIsNull(),
                settlements.count(),
                settledTotal);
        publisher.publish(report);
        return Optional.of(report);
    }
}
