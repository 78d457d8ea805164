package io.dblock.example.orders.service;

import io.dblock.example.orders.domain.CustomerRepository;
import io.dblock.example.orders.domain.ExpressOrder;
import io.dblock.example.orders.domain.PurchaseOrder;
import io.dblock.example.orders.domain.PurchaseOrderRepository;
import java.math.BigDecimal;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Takes orders: plain JPA inserts, no dblock involved. They wait while a settlement holds the orders' table. */
@Service
public class OrderService {

    private final CustomerRepository customers;
    private final PurchaseOrderRepository orders;

    public OrderService(CustomerRepository customers, PurchaseOrderRepository orders) {
        this.customers = customers;
        this.orders = orders;
    }

    /** Inserts an order (a row in {@code purchase_order}) and returns its id. */
    @Transactional
    public long place(long customerId, BigDecimal amount) {
        return orders.saveAndFlush(new PurchaseOrder(customers.getReferenceById(customerId), amount))
                .getId();
    }

    /** Inserts an express order (rows in {@code purchase_order} and {@code express_order}) and returns its id. */
    @Transactional
    public long placeExpress(long customerId, BigDecimal amount, String courier) {
        return orders.saveAndFlush(new ExpressOrder(customers.getReferenceById(customerId), amount, courier))
                .getId();
    }
}
