package io.dblock.example.orders.external;

import java.math.BigDecimal;

/** Sends an invoice to the customer: an e-mail, an EDI message, a call to the billing provider. Not idempotent. */
public interface InvoiceGateway {

    void send(String invoiceNumber, long orderId, BigDecimal amount);
}
