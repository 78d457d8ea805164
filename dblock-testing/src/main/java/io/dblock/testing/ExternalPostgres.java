package io.dblock.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A PostgreSQL server that someone else runs, named by {@value TestDatabase#POSTGRES_URL_ENV}. */
final class ExternalPostgres implements TestDatabase {

    private final String url;
    private final String user;
    private final String password;
    private volatile String serverVersion;

    ExternalPostgres(String url, String user, String password) {
        this.url = url;
        // Without explicit credentials the driver takes them from the URL; report what it will use.
        PGSimpleDataSource parsed = new PGSimpleDataSource();
        parsed.setURL(url);
        this.user = user != null ? user : parsed.getUser();
        this.password = password != null ? password : parsed.getPassword();
    }

    @Override
    public String engine() {
        return "PostgreSQL";
    }

    @Override
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        if (user != null) {
            dataSource.setUser(user);
        }
        if (password != null) {
            dataSource.setPassword(password);
        }
        return dataSource;
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
            version = queryServerVersion(dataSource());
            serverVersion = version;
        }
        return version;
    }

    static String queryServerVersion(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot query the PostgreSQL server version", e);
        }
    }

    @Override
    public String toString() {
        return "external PostgreSQL at " + url;
    }
}
