package io.dblock.example.orders.domain;

import java.math.BigDecimal;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface PurchaseOrderRepository extends JpaRepository<PurchaseOrder, Long> {

    List<PurchaseOrder> findBySettlementIsNullOrderById();

    long countBySettlementIsNull();

    long countBySettlement(Settlement settlement);

    @Query("select coalesce(sum(o.amount), 0) from PurchaseOrder o where o.settlement = ?1")
    BigDecimal totalOf(Settlement settlement);
}
