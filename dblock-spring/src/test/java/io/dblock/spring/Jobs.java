package io.dblock.spring;

import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.annotation.LockScope;
import io.dblock.spring.annotation.OnTimeout;
import io.dblock.spring.annotation.TableLock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.transaction.annotation.Transactional;

/** Annotated methods for the behaviour tests; {@link #runs()} counts bodies that ran. */
public class Jobs {

    private final AtomicInteger runs = new AtomicInteger();

    /** How many method bodies ran (a method, so that it reaches the target through the proxy). */
    public int runs() {
        return runs.get();
    }

    @AdvisoryLock("'job:' + #name")
    public <T> T run(String name, Supplier<T> work) {
        runs.incrementAndGet();
        return work.get();
    }

    @AdvisoryLock(key = "'job:' + #name", onTimeout = OnTimeout.SKIP)
    public String runOrSkip(String name) {
        runs.incrementAndGet();
        return "ran " + name;
    }

    @AdvisoryLock(key = "'job:' + #name", onTimeout = OnTimeout.SKIP)
    public Optional<String> runOrSkipOptional(String name) {
        runs.incrementAndGet();
        return Optional.of("ran " + name);
    }

    @AdvisoryLock(key = "'job:' + #name", onTimeout = OnTimeout.SKIP)
    public void runOrSkipVoid(String name) {
        runs.incrementAndGet();
    }

    @AdvisoryLock(key = "'job:' + #name", timeout = "PT0.2S")
    public void runOrThrowAfter200ms(String name) {
        runs.incrementAndGet();
    }

    @AdvisoryLock(key = "'job:' + #name", timeout = "10000", onTimeout = OnTimeout.SKIP)
    public String runOrSkipAfter10s(String name) {
        runs.incrementAndGet();
        return "ran " + name;
    }

    @Transactional
    @AdvisoryLock(key = "'job:' + #name", scope = LockScope.TRANSACTION)
    public <T> T inTransaction(String name, Supplier<T> work) {
        runs.incrementAndGet();
        return work.get();
    }

    @Transactional
    @AdvisoryLock(key = "'job:' + #name", scope = LockScope.TRANSACTION, onTimeout = OnTimeout.SKIP)
    public String inTransactionOrSkip(String name) {
        runs.incrementAndGet();
        return "ran " + name;
    }

    @AdvisoryLock(key = "'job:' + #name", scope = LockScope.TRANSACTION)
    public void transactionScopeWithoutTransaction(String name) {
        runs.incrementAndGet();
    }

    @Transactional
    @TableLock("spring_orders")
    public <T> T lockOrders(Supplier<T> work) {
        runs.incrementAndGet();
        return work.get();
    }

    @Transactional
    @TableLock(tables = "spring_orders", onTimeout = OnTimeout.SKIP)
    public Optional<String> lockOrdersOrSkip() {
        runs.incrementAndGet();
        return Optional.of("ran");
    }

    @Transactional
    @TableLock(tables = "spring_orders", timeout = "PT0.1S")
    public void lockOrdersOrThrowAfter100ms() {
        runs.incrementAndGet();
    }

    @TableLock("spring_orders")
    public void tableLockWithoutTransaction() {
        runs.incrementAndGet();
    }

    @Transactional
    @TableLock("spring_orders")
    @AdvisoryLock(key = "'job:' + #name", scope = LockScope.TRANSACTION)
    public <T> T tableAndKey(String name, Supplier<T> work) {
        runs.incrementAndGet();
        return work.get();
    }
}
