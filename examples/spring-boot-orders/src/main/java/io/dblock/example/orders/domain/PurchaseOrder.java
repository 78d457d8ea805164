package io.dblock.example.orders.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;
import jakarta.persistence.ManyToOne;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * An order; table {@code purchase_order} (Spring Boot's naming strategy). The root of a {@code JOINED} hierarchy: an
 * {@link ExpressOrder} is a row here plus a row in {@code express_order}, so locking this entity's table also stops
 * express orders from being inserted.
 */
@Entity
@Inheritance(strategy = InheritanceType.JOINED)
public class PurchaseOrder {

    @Id
    @GeneratedValue
    private Long id;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    private Customer customer;

    @Column(nullable = false, precision = 12, scale = 2)
    private BigDecimal amount;

    @Column(nullable = false)
    private Instant placedAt;

    /** The settlement that booked this order; {@code null} while the order is open. */
    @ManyToOne(fetch = FetchType.LAZY)
    private Settlement settlement;

    private String invoiceNumber;

    protected PurchaseOrder() {}

    public PurchaseOrder(Customer customer, BigDecimal amount) {
        this.customer = customer;
        this.amount = amount;
        this.placedAt = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public Customer getCustomer() {
        return customer;
    }

    public BigDecimal getAmount() {
        return amount;
    }

    public Instant getPlacedAt() {
        return placedAt;
    }

    public Settlement getSettlement() {
        return settlement;
    }

    public void settleIn(Settlement settlement) {
        if (this.settlement != null) {
            throw new IllegalStateException("order " + id + " is already settled");
        }
        this.settlement = settlement;
    }

    public String getInvoiceNumber() {
        return invoiceNumber;
    }

    public void invoiced(String invoiceNumber) {
        if (this.invoiceNumber != null) {
            throw new IllegalStateException("order " + id + " was already invoiced as " + this.invoiceNumber);
        }
        this.invoiceNumber = invoiceNumber;
    }
}
