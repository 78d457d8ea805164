package io.dblock.spi;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDBC plumbing engines share: a statement prepared with its parameters bound, run while a {@link WaitGuard}
 * watches it, and result sets read into rows of column values. What SQL runs, and how many statements go into one
 * execution, stay each engine's own.
 *
 * <p>Stateless and thread-safe.
 */
public final class JdbcStatements {

    private JdbcStatements() {}

    /**
     * Prepares {@code sql} and binds {@code params} to its placeholders in order ({@link
     * PreparedStatement#setObject(int, Object)}). The caller closes the statement; if binding fails, it is closed here.
     */
    public static PreparedStatement prepare(Connection connection, String sql, List<?> params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.size(); i++) {
                statement.setObject(i + 1, params.get(i));
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            try {
                statement.close();
            } catch (SQLException close) {
                e.addSuppressed(close);
            }
            throw e;
        }
    }

    /**
     * {@link PreparedStatement#execute()} while {@code guard} watches the statement.
     *
     * @return true if the first result is a result set
     */
    public static boolean execute(PreparedStatement statement, WaitGuard guard) throws SQLException {
        try (WaitGuard.Registration r = guard.watch(statement)) {
            return statement.execute();
        }
    }

    /** {@link PreparedStatement#executeQuery()} while {@code guard} watches the statement, and the rows it returned. */
    public static List<Object[]> query(PreparedStatement statement, WaitGuard guard) throws SQLException {
        ResultSet resultSet;
        try (WaitGuard.Registration r = guard.watch(statement)) {
            resultSet = statement.executeQuery();
        }
        return rows(resultSet);
    }

    /**
     * Every row of {@code resultSet}, each an array of its columns as {@link ResultSet#getObject(int)} gives them;
     * closes the result set.
     */
    public static List<Object[]> rows(ResultSet resultSet) throws SQLException {
        try (resultSet) {
            int columns = resultSet.getMetaData().getColumnCount();
            List<Object[]> rows = new ArrayList<>();
            while (resultSet.next()) {
                Object[] row = new Object[columns];
                for (int c = 0; c < columns; c++) {
                    row[c] = resultSet.getObject(c + 1);
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /**
     * The driver's type {@code name} (say {@code org.postgresql.PGConnection}) as {@code connection} can be unwrapped
     * to, or empty if no class loader in reach has it. Looked up through the connection's class loader, the thread's
     * context class loader and dblock's own, in that order: a wrapper made with {@link java.lang.reflect.Proxy} (Spring's
     * {@code TransactionAwareDataSourceProxy}, datasource-proxy) has a class loader that does not see the driver.
     */
    public static java.util.Optional<Class<?>> driverType(Connection connection, String name) {
        ClassLoader[] loaders = {
            connection.getClass().getClassLoader(),
            Thread.currentThread().getContextClassLoader(),
            JdbcStatements.class.getClassLoader()
        };
        for (ClassLoader loader : loaders) {
            if (loader == null) {
                continue;
            }
            try {
                return java.util.Optional.of(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                // the next loader
            }
        }
        return java.util.Optional.empty();
    }
}
