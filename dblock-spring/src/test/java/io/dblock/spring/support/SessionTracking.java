package io.dblock.spring.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that notes the server session id of each physical connection its pool hands out (one query the
 * first time a connection is seen), so that a test can kill every session of one node.
 */
public final class SessionTracking {

    private SessionTracking() {}

    /**
     * Wraps {@code pool}: every connection it hands out adds its session id to {@code sessions}.
     *
     * @param postgres whether the server is PostgreSQL ({@code pg_backend_pid()}), else MySQL/MariaDB ({@code
     *     CONNECTION_ID()})
     */
    public static DataSource of(DataSource pool, Set<Long> sessions, boolean postgres) {
        Map<Connection, Boolean> seen = Collections.synchronizedMap(new WeakHashMap<>());
        String query = postgres ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
        return (DataSource) Proxy.newProxyInstance(
                SessionTracking.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(pool, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("getConnection") && result instanceof Connection connection) {
                        if (seen.putIfAbsent(connection.unwrap(Connection.class), Boolean.TRUE) == null) {
                            sessions.add(sessionId(connection, query));
                        }
                    }
                    return result;
                });
    }

    private static long sessionId(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
