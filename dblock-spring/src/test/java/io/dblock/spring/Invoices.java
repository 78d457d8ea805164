package io.dblock.spring;

import io.dblock.spring.annotation.AdvisoryLock;
import java.util.function.BooleanSupplier;

/** An interface-typed bean, proxied by JDK proxies unless class proxies are asked for. */
public interface Invoices {

    boolean send(long invoiceId, BooleanSupplier check);

    @AdvisoryLock("'declared-on-interface'")
    boolean declaredOnInterface(BooleanSupplier check);

    /** The implementation: annotates {@link #send} itself, inherits the annotation of {@link #declaredOnInterface}. */
    class Service implements Invoices {
        @Override
        @AdvisoryLock("'invoice:' + #invoiceId")
        public boolean send(long invoiceId, BooleanSupplier check) {
            return check.getAsBoolean();
        }

        @Override
        public boolean declaredOnInterface(BooleanSupplier check) {
            return check.getAsBoolean();
        }
    }
}
