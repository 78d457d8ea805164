package io.dblock.testing.internal;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The parts of {@link DataSource} that a test's own data source does not use: no log writer, no login timeout, no
 * parent logger, not a wrapper. Subclasses say how a connection is opened.
 *
 * <p>Not for users: the kit's data source for external servers of any engine and dblock's own test data sources
 * extend it.
 */
public abstract class AbstractDataSource implements DataSource {

    /** For subclasses. */
    protected AbstractDataSource() {}

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
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
