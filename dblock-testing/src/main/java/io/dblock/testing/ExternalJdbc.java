package io.dblock.testing;

import io.dblock.testing.internal.AbstractDataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * A server of any engine that someone else runs, named by {@value TestDatabase#URL_ENV}, reached through {@link
 * DriverManager} with whatever JDBC driver on the class path takes the URL: what serves the binding of an engine this
 * kit does not know ({@link Engine#EXTERNAL}). Its engine and version are the driver's {@link DatabaseMetaData}; the kit
 * knows no way to list or end its locks, so {@link #advisoryLocks()}, {@link #userLocks()} and {@link
 * #terminateOtherSessions()} are unsupported, and {@link DatabaseTest} runs no leak check on it unless it is
 * PostgreSQL, MySQL or MariaDB.
 */
final class ExternalJdbc extends ExternalDatabase {

    private volatile String engine;

    ExternalJdbc(String url, String user, String password) {
        super("external server", url, user, password);
    }

    /** The driver's {@link DatabaseMetaData#getDatabaseProductName()}, asked on first use. */
    @Override
    public String engine() {
        String name = engine;
        if (name == null) {
            name = metaData(DatabaseMetaData::getDatabaseProductName);
            engine = name;
        }
        return name;
    }

    @Override
    String queryServerVersion() {
        return metaData(DatabaseMetaData::getDatabaseProductVersion);
    }

    private interface MetaDataValue {
        String read(DatabaseMetaData metaData) throws SQLException;
    }

    private String metaData(MetaDataValue value) {
        try (Connection connection = dataSource().getConnection()) {
            return value.read(connection.getMetaData());
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot ask " + this + " what it is", e);
        }
    }

    @Override
    public DataSource dataSource() {
        return new DriverManagerDataSource();
    }

    @Override
    public List<HeldAdvisoryLock> advisoryLocks() {
        throw unknownLocks();
    }

    @Override
    public List<HeldUserLock> userLocks() {
        throw unknownLocks();
    }

    @Override
    public void terminateOtherSessions() {
        throw unknownLocks();
    }

    private UnsupportedOperationException unknownLocks() {
        return new UnsupportedOperationException(
                "dblock-testing does not know how to list or end the locks of " + engine() + " (" + this + ")");
    }

    /** Connects with {@link DriverManager} on every call: non-pooling, as every data source of the kit. */
    private final class DriverManagerDataSource extends AbstractDataSource {

        @Override
        public Connection getConnection() throws SQLException {
            return user() == null
                    ? DriverManager.getConnection(jdbcUrl())
                    : DriverManager.getConnection(jdbcUrl(), user(), password());
        }

        @Override
        public Connection getConnection(String otherUser, String otherPassword) throws SQLException {
            return DriverManager.getConnection(jdbcUrl(), otherUser, otherPassword);
        }
    }
}
