package io.dblock.example.orders.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import java.math.BigDecimal;
import java.time.Instant;

/** One run that booked every open order: how many and their total; table {@code settlement}. */
@Entity
public class Settlement {

    @Id
    @GeneratedValue
    private Long id;

    @Column(nullable = false)
    private Instant settledAt;

    private int orderCount;

    @Column(nullable = false, precision = 14, scale = 2)
    private BigDecimal total;

    protected Settlement() {}

    public Settlement(Instant settledAt) {
        this.settledAt = settledAt;
        this.total = BigDecimal.ZERO;
    }

    public void add(PurchaseOrder order) {
        order.settleIn(this);
        orderCount++;
        total = total.add(order.getAmount());
    }

    public Long getId() {
        return id;
    }

    public Instant getSettledAt() {
        return settledAt;
    }

    public int getOrderCount() {
        return orderCount;
    }

    public BigDecimal getTotal() {
        return total;
    }
}
