package io.dblock.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A server that someone else runs, named by environment variables: its URL, the user and password the data source
 * connects with, and the server's version, asked on first use. Subclasses make the data source of their driver.
 */
abstract class ExternalDatabase implements TestDatabase {

    private final String description;
    private final String url;
    private final String user;
    private final String password;
    private volatile String serverVersion;

    /**
     * @param description what the server is, for {@link #toString()}: {@code "external PostgreSQL"}
     * @param user the user to report, or {@code null} if the driver's default applies
     * @param password the password to report, or {@code null} if none is configured
     */
    ExternalDatabase(String description, String url, String user, String password) {
        this.description = description;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Asks the server for its version, as {@link #serverVersion()} reports it. */
    abstract String queryServerVersion();

    @Override
    public String jdbcUrl() {
        return url;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String serverVersion() {
        String version = serverVersion;
        if (version == null) {
            version = queryServerVersion();
            serverVersion = version;
        }
        return version;
    }

    /** The one value that {@code sql} returns, on a connection of its own. */
    static String queryValue(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot query the server: " + sql, e);
        }
    }

    @Override
    public String toString() {
        return description + " at " + url;
    }
}
