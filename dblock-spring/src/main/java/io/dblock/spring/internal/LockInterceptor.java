package io.dblock.spring.internal;

import io.dblock.AdvisoryLock;
import io.dblock.LockHandle;
import io.dblock.LockUsageException;
import io.dblock.TableLock;
import io.dblock.spring.TransactionalLocks;
import io.dblock.spring.internal.LockAttributeSource.LockDefinitions;
import java.time.Duration;
import java.util.Optional;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Takes the locks an annotated method declares, of one {@link LockKind}, and runs the method.
 *
 * <ol>
 *   <li>Session kind: evaluate the key, {@code acquire()} (or {@code tryAcquire(wait)} with {@code SKIP}) a session
 *       lock from the {@code DbLocks} bean, run the method, release the lock (also when the method throws).
 *   <li>Transaction kind: require an active transaction; lock the tables, then the transaction-scoped advisory key,
 *       through {@link TransactionalLocks}; run the method. The transaction's end releases the locks.
 *   <li>A lock not granted in time throws {@link io.dblock.LockTimeoutException}, or with {@code SKIP} returns {@code
 *       null} / {@code Optional.empty()} without running the method.
 * </ol>
 */
final class LockInterceptor implements MethodInterceptor {

    private final LockKind kind;
    private final LockAttributeSource source;
    private final LockBeans beans;

    LockInterceptor(LockKind kind, LockAttributeSource source, LockBeans beans) {
        this.kind = kind;
        this.source = source;
        this.beans = beans;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Class<?> targetClass = target == null ? null : AopUtils.getTargetClass(target);
        LockDefinitions definitions = source.definitions(invocation.getMethod(), targetClass);
        if (!definitions.has(kind)) {
            return invocation.proceed();
        }
        return kind == LockKind.SESSION
                ? withSessionLock(invocation, definitions.advisory(), target, targetClass)
                : inTransaction(invocation, definitions, target, targetClass);
    }

    private Object withSessionLock(
            MethodInvocation invocation, AdvisoryLockDefinition definition, Object target, Class<?> targetClass)
            throws Throwable {
        AdvisoryLock lock = advisoryLock(invocation, definition, target, targetClass);
        Duration wait = definition.timeout().wait(beans.placeholders());
        Optional<LockHandle> handle;
        if (definition.timeout().skips()) {
            handle = lock.tryAcquire(wait);
        } else {
            handle = Optional.of(
                    wait == null ? lock.acquire() : lock.timeout(wait).acquire());
        }
        if (handle.isEmpty()) {
            return SkipValues.of(definition.method());
        }
        try (LockHandle held = handle.get()) {
            return invocation.proceed();
        }
    }

    private Object inTransaction(
            MethodInvocation invocation, LockDefinitions definitions, Object target, Class<?> targetClass)
            throws Throwable {
        TransactionalLocks locks = beans.transactionalLocks();
        TableLockDefinition table = definitions.table();
        if (table != null) {
            requireTransaction(locks, table.where());
            TableLock lock = table.lock(locks.locks(), beans::tableNameResolver);
            if (!lockTables(locks, lock, table.timeout())) {
                return SkipValues.of(table.method());
            }
        }
        AdvisoryLockDefinition advisory = definitions.advisory();
        if (advisory != null && advisory.kind() == LockKind.TRANSACTION) {
            requireTransaction(
                    locks, "@AdvisoryLock(scope = TRANSACTION) on " + LockAttributeSource.describe(advisory.method()));
            AdvisoryLock lock = advisoryLock(invocation, advisory, target, targetClass);
            if (!lockAdvisory(locks, lock, advisory.timeout())) {
                return SkipValues.of(advisory.method());
            }
        }
        return invocation.proceed();
    }

    private boolean lockTables(TransactionalLocks locks, TableLock lock, LockTimeout timeout) {
        Duration wait = timeout.wait(beans.placeholders());
        if (timeout.skips()) {
            return locks.tryAcquire(lock, wait);
        }
        locks.acquire(wait == null ? lock : lock.timeout(wait));
        return true;
    }

    private boolean lockAdvisory(TransactionalLocks locks, AdvisoryLock lock, LockTimeout timeout) {
        Duration wait = timeout.wait(beans.placeholders());
        if (timeout.skips()) {
            return locks.tryAcquire(lock, wait);
        }
        locks.acquire(wait == null ? lock : lock.timeout(wait));
        return true;
    }

    private AdvisoryLock advisoryLock(
            MethodInvocation invocation, AdvisoryLockDefinition definition, Object target, Class<?> targetClass) {
        AdvisoryLock lock = beans.locks()
                .advisory(definition.keys(invocation.getArguments(), target, targetClass, beans.beanFactory()));
        return definition.shared() ? lock.shared() : lock;
    }

    private static void requireTransaction(TransactionalLocks locks, String where) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()
                && !TransactionSynchronizationManager.hasResource(locks.dataSource())) {
            throw new LockUsageException(
                    where + " needs an active Spring-managed transaction when it is called: annotate the method (or"
                            + " its caller) with @Transactional, and make sure @EnableTransactionManagement is on",
                    null);
        }
    }
}
