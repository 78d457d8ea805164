package io.dblock.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Wraps a DataSource and counts statement executions (each one round trip) made through its connections. */
public final class CountingDataSource {

    private final AtomicInteger executions = new AtomicInteger();
    private final DataSource dataSource;

    public CountingDataSource(DataSource target) {
        this.dataSource = proxy(DataSource.class, target, (result, method) -> {
            if (result instanceof Connection c) {
                return proxy(Connection.class, c, (r, m) -> r instanceof Statement s ? wrapStatement(s) : r);
            }
            return result;
        });
    }

    private Object wrapStatement(Statement statement) {
        Class<?> type =
                statement instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class : Statement.class;
        InvocationHandler handler = (p, method, args) -> {
            if (method.getName().startsWith("execute")) {
                executions.incrementAndGet();
            }
            return invoke(statement, method, args);
        };
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler);
    }

    /** The wrapped data source. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Executions so far. */
    public int executions() {
        return executions.get();
    }

    /** Runs {@code action} and returns how many statement executions it made. */
    public int count(Runnable action) {
        int before = executions.get();
        action.run();
        return executions.get() - before;
    }

    private interface ResultWrapper {
        Object wrap(Object result, Method method) throws Exception;
    }

    private static <T> T proxy(Class<T> type, T target, ResultWrapper wrapper) {
        InvocationHandler handler = (p, method, args) -> {
            if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                return invoke(target, method, args);
            }
            return wrapper.wrap(invoke(target, method, args), method);
        };
        return type.cast(
                Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
