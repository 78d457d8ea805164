package io.dblock.example.orders.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import java.math.BigDecimal;

/** An order shipped by courier; tables {@code purchase_order} and {@code express_order} ({@code JOINED}). */
@Entity
public class ExpressOrder extends PurchaseOrder {

    @Column(nullable = false)
    private String courier;

    protected ExpressOrder() {}

    public ExpressOrder(Customer customer, BigDecimal amount, String courier) {
        super(customer, amount);
        this.courier = courier;
    }

    public String getCourier() {
        return courier;
    }
}
