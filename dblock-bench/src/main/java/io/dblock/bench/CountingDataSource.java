package io.dblock.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A data source wrapper that counts what its connections send: statement executions, transaction control and the
 * connections themselves. Placed under a pool it sees the pool's own calls too (validation, resets); placed above
 * one, the borrowings. Counting costs a reflective call per JDBC call, so it is used for round-trip and connection
 * counts only, never while timing.
 */
final class CountingDataSource {

    private static final Set<String> EXECUTIONS = Set.of(
            "execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");
    private static final Set<String> TRANSACTION_CONTROL =
            Set.of("commit", "rollback", "setAutoCommit", "setTransactionIsolation", "setReadOnly", "setSavepoint");

    /** Counts so far; {@link #minus} gives the counts of an interval. */
    record Counts(long executions, long transactionControl, long opened, long peakOpen, long openNow) {
        Counts minus(Counts before) {
            return new Counts(
                    executions - before.executions,
                    transactionControl - before.transactionControl,
                    opened - before.opened,
                    peakOpen,
                    openNow);
        }

        /** Calls that each cost a round trip on at least one of the drivers: executions plus transaction control. */
        long calls() {
            return executions + transactionControl;
        }
    }

    private final AtomicLong executions = new AtomicLong();
    private final AtomicLong transactionControl = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong open = new AtomicLong();
    private final AtomicLong peakOpen = new AtomicLong();

    Counts counts() {
        return new Counts(executions.get(), transactionControl.get(), opened.get(), peakOpen.get(), open.get());
    }

    /** Forgets the peak, so that it covers only what follows. */
    void resetPeak() {
        peakOpen.set(open.get());
    }

    DataSource wrap(DataSource target) {
        return proxy(DataSource.class, target, method -> {}, (method, result) -> {
            if (method.getName().equals("getConnection")) {
                opened.incrementAndGet();
                peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                return connection((Connection) result);
            }
            return result;
        });
    }

    private Connection connection(Connection target) {
        boolean[] closed = {false};
        return proxy(Connection.class, target, this::countConnectionCall, (method, result) -> {
            if (method.getName().equals("close") && !closed[0]) {
                closed[0] = true;
                open.decrementAndGet();
            } else if (result instanceof CallableStatement s) {
                return statement(CallableStatement.class, s);
            } else if (result instanceof PreparedStatement s) {
                return statement(PreparedStatement.class, s);
            } else if (result instanceof Statement s) {
                return statement(Statement.class, s);
            }
            return result;
        });
    }

    private <S extends Statement> S statement(Class<S> type, S target) {
        return proxy(type, target, this::countStatementCall, (method, result) -> result);
    }

    private void countConnectionCall(Method method) {
        if (TRANSACTION_CONTROL.contains(method.getName())) {
            transactionControl.incrementAndGet();
        }
    }

    private void countStatementCall(Method method) {
        if (EXECUTIONS.contains(method.getName())) {
            executions.incrementAndGet();
        }
    }

    /** What happens after a call returned {@code result}: the value the caller gets. */
    private interface After {
        Object apply(Method method, Object result);
    }

    /** Counted before the call, so that failed executions count too. */
    private static <T> T proxy(Class<T> type, T target, Consumer<Method> before, After after) {
        InvocationHandler handler = (p, method, args) -> {
            before.accept(method);
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return after.apply(method, result);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
