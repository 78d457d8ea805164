package io.dblock.example.orders.service;

import io.dblock.example.orders.domain.PurchaseOrder;
import io.dblock.example.orders.domain.PurchaseOrderRepository;
import io.dblock.example.orders.external.InvoiceGateway;
import io.dblock.spring.annotation.AdvisoryLock;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sends an order's invoice exactly once, however many threads, retries or nodes ask at the same time.
 *
 * <p>The check ("already invoiced?") and the send are one critical section per order: an advisory lock on {@code
 * "invoice:<orderId>"}. The lock is a session lock placed around the transaction (dblock-spring's default), so the
 * next caller gets it only after this call committed the invoice number and sees it.
 */
@Service
public class InvoiceService {

    private static final Logger log = LoggerFactory.getLogger(InvoiceService.class);

    private final PurchaseOrderRepository orders;
    private final InvoiceGateway gateway;

    public InvoiceService(PurchaseOrderRepository orders, InvoiceGateway gateway) {
        this.orders = orders;
        this.gateway = gateway;
    }

    /** What {@link #send(long)} did. */
    public record InvoiceResult(long orderId, String invoiceNumber, boolean sentNow) {}

    @Transactional
    @AdvisoryLock(key = "'invoice:' + #orderId", timeout = "${orders.invoice.lock-timeout:PT10S}")
    public InvoiceResult send(long orderId) {
        PurchaseOrder order =
                orders.findById(orderId).orElseThrow(() -> new NoSuchElementException("no order " + orderId));
        if (order.getInvoiceNumber() != null) {
            log.info("invoice: order {} already invoiced as {}, nothing to send", orderId, order.getInvoiceNumber());
            return new InvoiceResult(orderId, order.getInvoiceNumber(), false);
        }
        String invoiceNumber = "INV-%06d".formatted(orderId);
        gateway.send(invoiceNumber, orderId, order.getAmount());
        order.invoiced(invoiceNumber);
        return new InvoiceResult(orderId, invoiceNumber, true);
    }
}
