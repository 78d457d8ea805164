package io.dblock.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * A MySQL 8 or MariaDB server that someone else runs, named by {@value TestDatabase#MYSQL_URL_ENV}, reached with the
 * MariaDB driver (which also speaks to MySQL).
 */
final class ExternalMysql implements TestDatabase {

    private final String url;
    private final String user;
    private final String password;
    private volatile String serverVersion;

    ExternalMysql(String url, String user, String password) {
        this.url = url;
        // Without an explicit user the driver takes it from the URL; report what it will use.
        this.user = user != null ? user : urlUser(url);
        this.password = password;
    }

    private static String urlUser(String url) {
        try {
            return new MariaDbDataSource(driverUrl(url)).getUser();
        } catch (SQLException e) {
            throw new IllegalStateException("The MariaDB driver rejects " + TestDatabase.MYSQL_URL_ENV + "=" + url, e);
        }
    }

    /** "MariaDB" if the server says so in its version, else "MySQL"; asks the server on first use. */
    @Override
    public String engine() {
        return serverVersion().contains("MariaDB") ? "MariaDB" : "MySQL";
    }

    @Override
    public DataSource dataSource() {
        try {
            // The MariaDB driver takes jdbc:mysql: URLs only when told to; users of MySQL naturally write those.
            MariaDbDataSource dataSource = new MariaDbDataSource(driverUrl(url));
            if (user != null) {
                dataSource.setUser(user);
            }
            if (password != null) {
                dataSource.setPassword(password);
            }
            return dataSource;
        } catch (SQLException e) {
            throw new IllegalStateException("The MariaDB driver rejects " + TestDatabase.MYSQL_URL_ENV + "=" + url, e);
        }
    }

    static String driverUrl(String url) {
        if (!url.startsWith("jdbc:mysql:") || url.contains("permitMysqlScheme")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "permitMysqlScheme";
    }

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
            version = queryVersion(dataSource());
            serverVersion = version;
        }
        return version;
    }

    @Override
    public List<HeldUserLock> userLocks() throws SQLException {
        return UserLockQueries.locks(dataSource());
    }

    @Override
    public void terminateOtherSessions() throws SQLException {
        UserLockQueries.terminateOtherSessions(dataSource());
    }

    @Override
    public List<HeldAdvisoryLock> advisoryLocks() {
        throw noAdvisoryLocks(engine());
    }

    static UnsupportedOperationException noAdvisoryLocks(String engine) {
        return new UnsupportedOperationException(engine
                + " has no advisory locks in the PostgreSQL sense; its GET_LOCK locks are listed by userLocks()");
    }

    static String queryVersion(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot query the MySQL/MariaDB server version", e);
        }
    }

    @Override
    public String toString() {
        return "external MySQL/MariaDB at " + url;
    }
}
