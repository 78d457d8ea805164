package io.dblock.cli.connect;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that opens a new connection through {@link DriverManager} on every call: the tool makes a few
 * short inspections, so a pool would only add start-up time.
 *
 * <p>PostgreSQL sessions are tagged {@code application_name=dblock}, so the tool's own session is recognisable in
 * {@code pg_stat_activity} (a URL's own {@code ApplicationName} wins). The password is kept only in memory; {@link #toString()}
 * shows neither it nor the URL (which may contain one). Thread-safe.
 */
public final class DriverDataSource implements DataSource {

    /** The {@code application_name} of the tool's PostgreSQL sessions. */
    public static final String APPLICATION_NAME = "dblock";

    private final String url;
    private final Properties properties;

    /**
     * A data source for one server.
     *
     * @param url a URL {@linkplain JdbcUrl#forDriver prepared for the driver}
     * @param user the user, or null for the URL's (or the driver's default)
     * @param password the password, or null for the URL's (or none)
     */
    public DriverDataSource(String url, String user, String password) {
        this.url = url;
        this.properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        if (JdbcUrl.isPostgres(url) && !url.contains("ApplicationName=")) {
            properties.setProperty("ApplicationName", APPLICATION_NAME);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        Properties withUser = new Properties();
        withUser.putAll(properties);
        withUser.setProperty("user", user);
        withUser.setProperty("password", password);
        return DriverManager.getConnection(url, withUser);
    }

    @Override
    public PrintWriter getLogWriter() {
        return DriverManager.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        DriverManager.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) {
        DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
        return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        // Only the scheme: a URL may carry a password of its own.
        return "DriverDataSource[" + url.substring(0, url.indexOf(':', "jdbc:".length()) + 1) + " user "
                + properties.getProperty("user", "from the URL") + "]";
    }
}
