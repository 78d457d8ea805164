package io.dblock.testing;

import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * A MySQL 8 or MariaDB server that someone else runs, named by {@value TestDatabase#MYSQL_URL_ENV}, reached with the
 * MariaDB driver (which also speaks to MySQL).
 */
final class ExternalMysql extends ExternalDatabase {

    ExternalMysql(String url, String user, String password) {
        // Without an explicit user the driver takes it from the URL; report what it will use.
        super("external MySQL/MariaDB", url, user != null ? user : urlUser(url), password);
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
            MariaDbDataSource dataSource = new MariaDbDataSource(driverUrl(jdbcUrl()));
            if (user() != null) {
                dataSource.setUser(user());
            }
            if (password() != null) {
                dataSource.setPassword(password());
            }
            return dataSource;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "The MariaDB driver rejects " + TestDatabase.MYSQL_URL_ENV + "=" + jdbcUrl(), e);
        }
    }

    static String driverUrl(String url) {
        if (!url.startsWith("jdbc:mysql:") || url.contains("permitMysqlScheme")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "permitMysqlScheme";
    }

    @Override
    String queryServerVersion() {
        return queryVersion(dataSource());
    }

    static String queryVersion(DataSource dataSource) {
        return queryValue(dataSource, "SELECT VERSION()");
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
}
