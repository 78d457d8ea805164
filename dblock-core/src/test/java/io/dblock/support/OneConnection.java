package io.dblock.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;

/** A DataSource that hands out one physical connection again and again; {@code close()} on it does nothing. */
public final class OneConnection {

    private OneConnection() {}

    public static DataSource of(Connection connection) {
        Connection unclosable = (Connection) Proxy.newProxyInstance(
                OneConnection.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(
                OneConnection.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return unclosable;
                    }
                    if (method.getName().equals("toString")) {
                        return "OneConnection";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
