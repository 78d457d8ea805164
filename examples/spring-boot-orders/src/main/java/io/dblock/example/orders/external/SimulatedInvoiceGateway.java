package io.dblock.example.orders.external;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Stands in for the billing provider: records every invoice it is asked to send and the most sends it saw at once. The
 * demo and the tests make a send last as long as they need with {@link #duringSend(Runnable)}, instead of sleeping.
 */
@Component
public class SimulatedInvoiceGateway implements InvoiceGateway {

    private static final Logger log = LoggerFactory.getLogger(SimulatedInvoiceGateway.class);

    /** One invoice handed to the provider. */
    public record SentInvoice(String invoiceNumber, long orderId, BigDecimal amount, String thread) {}

    private final List<SentInvoice> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private volatile Runnable duringSend = () -> {};

    @Override
    public void send(String invoiceNumber, long orderId, BigDecimal amount) {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            log.info("gateway: sending {} for order {} ({})", invoiceNumber, orderId, amount);
            duringSend.run();
            sent.add(new SentInvoice(
                    invoiceNumber, orderId, amount, Thread.currentThread().getName()));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** What a send does while it is "on the wire"; runs on the sending thread. */
    public void duringSend(Runnable action) {
        this.duringSend = action;
    }

    public List<SentInvoice> sent() {
        return List.copyOf(sent);
    }

    /** The largest number of sends that were in progress at the same time. */
    public int mostConcurrentSends() {
        return mostInFlight.get();
    }

    public void reset() {
        sent.clear();
        mostInFlight.set(0);
        duringSend = () -> {};
    }
}
