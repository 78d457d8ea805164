package io.dblock.testing;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A PostgreSQL server that someone else runs, named by {@value TestDatabase#POSTGRES_URL_ENV}. */
final class ExternalPostgres extends ExternalDatabase {

    ExternalPostgres(String url, String user, String password) {
        // Without explicit credentials the driver takes them from the URL; report what it will use.
        this(url, user, password, parse(url));
    }

    private ExternalPostgres(String url, String user, String password, PGSimpleDataSource parsed) {
        super(
                "external PostgreSQL",
                url,
                user != null ? user : parsed.getUser(),
                password != null ? password : parsed.getPassword());
    }

    private static PGSimpleDataSource parse(String url) {
        PGSimpleDataSource parsed = new PGSimpleDataSource();
        parsed.setURL(url);
        return parsed;
    }

    @Override
    public String engine() {
        return "PostgreSQL";
    }

    @Override
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = parse(jdbcUrl());
        if (user() != null) {
            dataSource.setUser(user());
        }
        if (password() != null) {
            dataSource.setPassword(password());
        }
        return dataSource;
    }

    @Override
    String queryServerVersion() {
        return queryServerVersion(dataSource());
    }

    static String queryServerVersion(DataSource dataSource) {
        return queryValue(dataSource, "SHOW server_version");
    }
}
