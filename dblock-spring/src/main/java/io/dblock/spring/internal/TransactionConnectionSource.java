package io.dblock.spring.internal;

import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@code DataSource} that hands out one transaction's connection, so that a {@link io.dblock.DbLocks} over it takes
 * session locks on that very connection.
 *
 * <p>The connection it returns is a view that must not disturb the transaction: {@code close()} does nothing (the
 * transaction manager closes the connection), and it reports auto-commit mode and ignores changes to it, because
 * dblock switches a borrowed connection to auto-commit before taking session locks on it (so that a lock never keeps a
 * transaction open) and that would commit the caller's work here. {@code unwrap(Connection.class)} still reaches the
 * real connection, which dblock closes if an unlock fails.
 */
final class TransactionConnectionSource implements DataSource {

    private static final System.Logger LOG = System.getLogger(TransactionConnectionSource.class.getName());

    private final Connection view;

    TransactionConnectionSource(Connection connection) {
        this.view = (Connection) Proxy.newProxyInstance(
                TransactionConnectionSource.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                new View(connection));
    }

    /**
     * Ends the session under {@code connection} (after a failed release) so that its pool evicts it instead of handing it
     * to the next borrower: aborts it, then shows the pool the resulting failure. Logs what fails.
     */
    static void closePhysically(Connection connection) {
        try {
            connection.abort(Runnable::run); // passed down to the driver by every wrapper: the session ends
        } catch (SQLException | RuntimeException e) {
            try {
                Connection physical =
                        connection.isWrapperFor(Connection.class) ? connection.unwrap(Connection.class) : connection;
                physical.close();
            } catch (SQLException | RuntimeException closeFailed) {
                e.addSuppressed(closeFailed);
                LOG.log(Level.WARNING, "could not end the session of a failed lock release", e);
            }
        }
        // a statement through the pool's own handle now fails with the driver's "connection closed" (SQLState 08xxx):
        // the failure pools evict on (HikariCP would otherwise hand the dead connection to the next borrower)
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute("SELECT 1");
        } catch (SQLException | RuntimeException expected) {
            // the pool has seen it
        }
    }

    @Override
    public Connection getConnection() {
        return view;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("this DataSource only hands out the transaction's connection");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }

    private record View(Connection target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close", "setAutoCommit":
                    return null;
                case "getAutoCommit":
                    return true;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "transaction connection " + target;
                case "isWrapperFor":
                    return args[0] == Connection.class || target.isWrapperFor((Class<?>) args[0]);
                case "unwrap":
                    if (args[0] == Connection.class) {
                        return target.isWrapperFor(Connection.class) ? target.unwrap(Connection.class) : target;
                    }
                    break;
                default:
                    break;
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
