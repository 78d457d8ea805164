package io.dblock.support;

import io.dblock.testing.internal.AbstractDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A DriverManager data source for one URL and user: for tests that connect as a second, less privileged user. */
public final class UserDataSource extends AbstractDataSource {

    private final String url;
    private final String user;
    private final String password;

    public UserDataSource(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public Connection getConnection(String otherUser, String otherPassword) throws SQLException {
        return DriverManager.getConnection(url, otherUser, otherPassword);
    }
}
