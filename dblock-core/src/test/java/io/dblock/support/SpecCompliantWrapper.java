package io.dblock.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * A pass-through DataSource whose connections answer {@code unwrap(Connection.class)} with themselves, as {@link
 * java.sql.Wrapper#unwrap} allows ("if the receiver implements the interface then the result is the receiver") and
 * some wrappers do (Spring's connection proxies, for one). Everything else goes to the wrapped objects.
 */
public final class SpecCompliantWrapper {

    private SpecCompliantWrapper() {}

    public static DataSource of(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(
                SpecCompliantWrapper.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, method, args) -> {
                    Object result = invoke(target, method, args);
                    return result instanceof Connection c ? connection(c) : result;
                });
    }

    private static Connection connection(Connection target) {
        return (Connection) Proxy.newProxyInstance(
                SpecCompliantWrapper.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, method, args) -> {
                    boolean wrapperCall = method.getName().equals("unwrap")
                            || method.getName().equals("isWrapperFor");
                    if (wrapperCall && ((Class<?>) args[0]).isInstance(p)) {
                        return method.getName().equals("unwrap") ? p : Boolean.TRUE;
                    }
                    return invoke(target, method, args);
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
