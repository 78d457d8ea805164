package io.dblock.spring.internal;

import io.dblock.AdvisoryLock;
import io.dblock.LockHandle;
import io.dblock.LockLostException;
import io.dblock.LockUsageException;
import io.dblock.TableLock;
import io.dblock.spring.TransactionalLocks;
import io.dblock.spring.annotation.LockScope;
import io.dblock.spring.internal.LockAttributeSource.LockDefinitions;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Takes the locks an annotated method declares, in one of the two positions of {@link LockKind}, and runs the method.
 *
 * <ol>
 *   <li>Outer: with {@code failOnLoss}, attach a {@link LossGuard} to the call. Take a {@code scope = SESSION} lock if
 *       session locks are placed around the transaction. Proceed (the transaction, if any, begins and ends inside).
 *       Then, if the guard recorded a loss, throw {@link LockLostException} (an exception of the method body itself
 *       stays, with the loss suppressed).
 *   <li>Inner (inside {@code @Transactional}): lock the tables; then the advisory key: {@code TRANSACTION}, or {@code
 *       AUTO} when a transaction is active on the {@code DbLocks} bean's {@code DataSource} (except a PostgreSQL
 *       transaction declared {@code REPEATABLE READ}/{@code SERIALIZABLE}), through {@link TransactionalLocks}; {@code
 *       AUTO} without such a transaction and {@code SESSION} placed inside the transaction as a session lock here.
 *       With {@code failOnLoss} and an active transaction, register a before-commit check ({@link
 *       TransactionLockState#checkBeforeCommit}) of the transaction-bound lock, or of the outer session lock while the
 *       call runs. Run the method.
 *   <li>A session lock: evaluate the key, {@code acquire()} (or {@code tryAcquire(wait)} with {@code SKIP}), run,
 *       release (also when the method throws); a loss reported by {@code onLost} or by the release goes to the guard.
 *   <li>A lock not granted in time throws {@link io.dblock.LockTimeoutException}, or with {@code SKIP} returns {@code
 *       null} / {@code Optional.empty()} without running the method.
 * </ol>
 */
final class LockInterceptor implements MethodInterceptor {

    private static final System.Logger LOG = System.getLogger(LockInterceptor.class.getName());

    private final LockKind kind;
    private final boolean sessionLocksOutermost;
    private final LockAttributeSource source;
    private final LockBeans beans;

    LockInterceptor(LockKind kind, boolean sessionLocksOutermost, LockAttributeSource source, LockBeans beans) {
        this.kind = kind;
        this.sessionLocksOutermost = sessionLocksOutermost;
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
        Call call = new Call(invocation, target, targetClass);
        return kind == LockKind.OUTER ? outer(call, definitions.advisory()) : inner(call, definitions);
    }

    private Object outer(Call call, AdvisoryLockDefinition advisory) throws Throwable {
        boolean sessionHere = advisory.scope() == LockScope.SESSION && sessionLocksOutermost;
        if (!advisory.failOnLoss()) {
            return sessionHere
                    ? withSessionLock(call, advisory, null)
                    : call.invocation().proceed();
        }
        LossGuard guard = LossGuard.attach(call.invocation());
        Object result;
        try {
            result = sessionHere
                    ? withSessionLock(call, advisory, guard)
                    : call.invocation().proceed();
        } catch (Throwable e) {
            throw guard.finish(e);
        }
        Throwable failure = guard.finish(null);
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    private Object inner(Call call, LockDefinitions definitions) throws Throwable {
        TableLockDefinition table = definitions.table();
        if (table != null) {
            TransactionalLocks locks = beans.transactionalLocks();
            requireTransaction(locks, table.where());
            TableLock lock = table.lock(locks.locks(), beans::tableNameResolver);
            if (!lockTables(locks, lock, table.timeout())) {
                return SkipValues.of(table.method());
            }
        }
        AdvisoryLockDefinition advisory = definitions.advisory();
        if (advisory == null) {
            return call.invocation().proceed();
        }
        LossGuard guard = advisory.failOnLoss() ? LossGuard.of(call.invocation()) : null;
        switch (advisory.scope()) {
            case TRANSACTION -> {
                requireTransaction(beans.transactionalLocks(), advisory.where() + " with scope = TRANSACTION");
                return inTransaction(call, advisory, guard);
            }
            case AUTO -> {
                TransactionalLocks locks = beans.transactionalLocksIfAvailable();
                return locks != null && joinsTransaction(locks)
                        ? inTransaction(call, advisory, guard)
                        : withSessionLock(call, advisory, guard);
            }
            default -> {
                if (!sessionLocksOutermost) {
                    return withSessionLock(call, advisory, guard);
                }
                LockHandle outer = guard == null ? null : guard.sessionHandle();
                TransactionalLocks locks = outer == null ? null : beans.transactionalLocksIfAvailable();
                if (locks != null && transactionActive(locks)) {
                    checkBeforeCommit(locks, outer.keys(), outer, guard, advisory);
                }
                return body(call, guard);
            }
        }
    }

    /** Whether an AUTO lock goes on the current transaction's connection. */
    private static boolean joinsTransaction(TransactionalLocks locks) {
        if (!transactionActive(locks)) {
            return false;
        }
        Integer isolation = TransactionSynchronizationManager.getCurrentTransactionIsolationLevel();
        boolean snapshotAtFirstQuery = isolation != null && isolation >= Connection.TRANSACTION_REPEATABLE_READ;
        // PostgreSQL freezes a REPEATABLE READ snapshot at the lock statement, before the wait (see LockScope.AUTO)
        return !(snapshotAtFirstQuery && "PostgreSQL".equals(locks.locks().engineName()));
    }

    private static boolean transactionActive(TransactionalLocks locks) {
        return TransactionSynchronizationManager.isActualTransactionActive()
                && TransactionSynchronizationManager.hasResource(locks.dataSource());
    }

    private Object inTransaction(Call call, AdvisoryLockDefinition advisory, LossGuard guard) throws Throwable {
        TransactionalLocks locks = beans.transactionalLocks();
        AdvisoryLock lock = advisoryLock(call, advisory);
        if (!lockAdvisory(locks, lock, advisory.timeout())) {
            return SkipValues.of(advisory.method());
        }
        if (advisory.failOnLoss()) {
            checkBeforeCommit(locks, lock.keys(), null, guard, advisory);
        }
        return body(call, guard);
    }

    /** Registers a before-commit check on the current transaction, if its synchronization is on. */
    private static void checkBeforeCommit(
            TransactionalLocks locks,
            List<io.dblock.LockKey> keys,
            LockHandle holder,
            LossGuard guard,
            AdvisoryLockDefinition advisory) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        Connection connection = DataSourceUtils.getConnection(locks.dataSource());
        try {
            TransactionLockState.of(locks, connection)
                    .checkBeforeCommit(
                            keys,
                            holder,
                            holder == null ? () -> true : guard::running,
                            LockAttributeSource.describe(advisory.method()),
                            guard);
        } finally {
            DataSourceUtils.releaseConnection(connection, locks.dataSource());
        }
    }

    private Object withSessionLock(Call call, AdvisoryLockDefinition definition, LossGuard guard) throws Throwable {
        AdvisoryLock lock = advisoryLock(call, definition);
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
        if (guard == null) {
            return withoutLossCheck(call, handle.get());
        }
        LockHandle held = handle.get();
        String where = LockAttributeSource.describe(definition.method());
        held.onLost(h -> guard.lost(new LockLostException(
                "the session lock of " + where + " was lost while the method ran (its session ended or no longer"
                        + " holds the lock)",
                h.keys().toString())));
        guard.sessionHandle(held);
        try {
            return kind == LockKind.INNER
                    ? body(call, guard)
                    : call.invocation().proceed();
        } finally {
            guard.sessionHandle(null);
            try {
                held.close();
            } catch (LockLostException e) {
                guard.lost(e);
            }
        }
    }

    /**
     * With {@code failOnLoss = false}: runs the call and releases the lock; a release that finds the lock lost (its
     * session failed) is logged, not thrown: listeners and {@code onLost} callbacks are told of the loss.
     */
    private static Object withoutLossCheck(Call call, LockHandle held) throws Throwable {
        try {
            return call.invocation().proceed();
        } finally {
            try {
                held.close();
            } catch (LockLostException e) {
                LOG.log(System.Logger.Level.WARNING, "the lock of a failOnLoss = false call was lost", e);
            }
        }
    }

    /** Runs the method body itself, telling the guard if it throws. */
    private static Object body(Call call, LossGuard guard) throws Throwable {
        try {
            return call.invocation().proceed();
        } catch (Throwable e) {
            if (guard != null) {
                guard.bodyFailed(e);
            }
            throw e;
        }
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

    private AdvisoryLock advisoryLock(Call call, AdvisoryLockDefinition definition) {
        AdvisoryLock lock = beans.locks()
                .advisory(definition.keys(
                        call.invocation().getArguments(), call.target(), call.targetClass(), beans.beanFactory()));
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

    /** One intercepted call. */
    private record Call(MethodInvocation invocation, Object target, Class<?> targetClass) {}
}
