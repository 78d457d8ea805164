package io.dblock.support;

import io.dblock.testing.internal.AbstractDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Behaves like a pooler in transaction mode (PgBouncer {@code pool_mode = transaction}) for auto-commit work: every
 * connection it hands out sends each new statement to the next of a few real server sessions, round robin. Only for
 * tests of what dblock does behind such a pooler; {@link #close()} ends the server sessions.
 */
public final class StatementRoutingDataSource extends AbstractDataSource implements AutoCloseable {

    private final List<Connection> sessions;
    private final AtomicInteger next = new AtomicInteger();

    public StatementRoutingDataSource(DataSource target, int sessions) throws SQLException {
        Connection[] opened = new Connection[sessions];
        for (int i = 0; i < sessions; i++) {
            opened[i] = target.getConnection();
        }
        this.sessions = List.of(opened);
    }

    @Override
    public Connection getConnection() {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            Connection target = name.startsWith("prepare") || name.equals("createStatement")
                    ? sessions.get(Math.floorMod(next.getAndIncrement(), sessions.size()))
                    : sessions.get(0);
            if (name.equals("close") || name.equals("isClosed")) {
                return name.equals("isClosed") ? Boolean.FALSE : null;
            }
            if (name.equals("unwrap") || name.equals("isWrapperFor")) {
                return name.equals("isWrapperFor") ? Boolean.FALSE : null;
            }
            return invoke(target, method, args);
        };
        return (Connection)
                Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : sessions) {
            c.close();
        }
    }

    @Override
    public Connection getConnection(String user, String password) {
        return getConnection();
    }
}
