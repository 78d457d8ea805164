package io.dblock.spring;

import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.annotation.LockScope;
import io.dblock.spring.annotation.TableLock;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.springframework.transaction.annotation.Transactional;

/** Methods whose keys exercise the SpEL features; each returns what {@code check} saw while the lock was held. */
public class KeyedJobs {

    /** An argument with a property. */
    public static final class Invoice {
        private final long id;

        public Invoice(long id) {
            this.id = id;
        }

        public long getId() {
            return id;
        }
    }

    /** An entity class for {@code @TableLock(entities = ...)}. */
    public static final class Order {}

    @AdvisoryLock("'invoice:' + #invoice.id")
    public boolean byProperty(Invoice invoice, BooleanSupplier check) {
        return check.getAsBoolean();
    }

    @AdvisoryLock("'p:' + #p0 + ':' + #a1")
    public boolean byPosition(String first, String second, BooleanSupplier check) {
        return check.getAsBoolean();
    }

    @AdvisoryLock("#id")
    public boolean byNumber(long id, BooleanSupplier check) {
        return check.getAsBoolean();
    }

    @AdvisoryLock("{'multi:a', 'multi:b'}")
    public boolean byList(BooleanSupplier check) {
        return check.getAsBoolean();
    }

    @AdvisoryLock("'method:' + #root.method.name")
    public boolean byMethodName(BooleanSupplier check) {
        return check.getAsBoolean();
    }

    @AdvisoryLock("@keyPrefix + #name")
    public boolean byBean(String name, BooleanSupplier check) {
        return check.getAsBoolean();
    }

    @AdvisoryLock("T(io.dblock.LockKey).of(7, 8)")
    public boolean byLockKey(BooleanSupplier check) {
        return check.getAsBoolean();
    }

    @AdvisoryLock("#name")
    public void nullKey(String name) {}

    @AdvisoryLock("''")
    public void emptyKey() {}

    @AdvisoryLock("'  '")
    public void blankKey() {}

    @AdvisoryLock("'invoice:' + #id")
    public void concatenated(Long id) {}

    @AdvisoryLock("'invoice:' + #invoice.customer + ':' + #id")
    public void concatenatedProperty(Customer invoice, Long id) {}

    /** An argument whose property may be null. */
    public static final class Customer {
        public String getCustomer() {
            return null;
        }
    }

    @AdvisoryLock("nightly-report")
    public void unquotedConstant() {}

    @AdvisoryLock("#id")
    public void unsupportedType(UUID id) {}

    @AdvisoryLock("{}")
    public void emptyList() {}

    @AdvisoryLock(key = "'placeholder'", timeout = "${test.lock-timeout}")
    public void placeholderTimeout() {}

    @AdvisoryLock(key = "'shared'", shared = true)
    public boolean shared(BooleanSupplier check) {
        return check.getAsBoolean();
    }

    @Transactional
    @TableLock(tables = "spring_orders", entities = Order.class)
    public boolean entityTables(BooleanSupplier check) {
        return check.getAsBoolean();
    }

    @Transactional
    @AdvisoryLock(key = "'tx:' + #name", scope = LockScope.TRANSACTION)
    public boolean transactionScoped(String name, BooleanSupplier check) {
        return check.getAsBoolean();
    }
}
