package io.dblock.example.orders.service;

import io.dblock.TableLockMode;
import io.dblock.example.orders.domain.PurchaseOrder;
import io.dblock.example.orders.domain.PurchaseOrderRepository;
import io.dblock.example.orders.domain.Settlement;
import io.dblock.example.orders.domain.SettlementRepository;
import io.dblock.spring.annotation.TableLock;
import java.math.BigDecimal;
import java.time.Instant;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Books every open order into one settlement.
 *
 * <p>The settlement must see a frozen set of open orders: no order inserted or changed while it sums them up, and no
 * second settlement booking the same orders. {@code SHARE ROW EXCLUSIVE} on the orders' table gives exactly that:
 * it conflicts with the {@code ROW EXCLUSIVE} lock every {@code INSERT}/{@code UPDATE}/{@code DELETE} takes and with
 * itself, while plain reads go on. The table comes from the JPA mapping ({@code entities = PurchaseOrder.class}, so
 * {@code purchase_order} after Spring Boot's naming strategy), through the {@code TableNameResolver} that the dblock
 * starter configures with dblock-jpa.
 */
@Service
public class SettlementService {

    private final PurchaseOrderRepository orders;
    private final SettlementRepository settlements;

    public SettlementService(PurchaseOrderRepository orders, SettlementRepository settlements) {
        this.orders = orders;
        this.settlements = settlements;
    }

    /** What a settlement booked. */
    public record SettlementSummary(long settlementId, int orders, BigDecimal total) {}

    /**
     * Settles the open orders. The lock is taken in this transaction (or the caller's, if there is one) before the
     * method body runs and ends with that transaction's commit or rollback.
     */
    @Transactional
    @TableLock(
            entities = PurchaseOrder.class,
            mode = TableLockMode.SHARE_ROW_EXCLUSIVE,
            timeout = "${orders.settlement.lock-timeout:PT10S}")
    public SettlementSummary settleOpenOrders() {
        Settlement settlement = new Settlement(Instant.now());
        orders.findBySettlementIsNullOrderById().forEach(settlement::add);
        settlements.saveAndFlush(settlement);
        return new SettlementSummary(settlement.getId(), settlement.getOrderCount(), settlement.getTotal());
    }
}
