package io.dblock.spi;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Optional facet: tells whether a connection reaches the server through a pooler or proxy, for {@code Pooler.AUTO}.
 * Called once per {@code DbLocks}, on the first connection it pins, before any lock statement.
 */
public interface PoolerDetection {

    /**
     * Whether a pooler or proxy stands between this connection and the server.
     *
     * @param connection a connection in auto-commit, holding nothing; left as it was
     * @return true if one does; false for a direct connection
     * @throws SQLException if the server cannot be asked
     */
    boolean behindPooler(Connection connection) throws SQLException;

    /**
     * Adapts a connection dblock pins behind a pooler for as long as it holds it: pgjdbc, for example, must not prepare
     * statements on the server (a transaction pooler hands the next transaction to another server session, which does
     * not know them), whatever the application's {@code prepareThreshold}. The default changes nothing.
     *
     * @return what puts the connection back as it was, before it returns to its pool
     * @throws SQLException if the connection cannot be adapted
     */
    default Runnable adaptToPooler(Connection connection) throws SQLException {
        return () -> {};
    }
}
