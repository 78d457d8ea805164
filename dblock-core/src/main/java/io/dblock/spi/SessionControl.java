package io.dblock.spi;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Facet of a {@link LockEngine} that can cancel another session's statement or end the session ({@code
 * pg_cancel_backend}/{@code pg_terminate_backend}, {@code KILL QUERY}/{@code KILL}).
 */
public interface SessionControl {

    /**
     * Cancels the running statement of another session.
     *
     * @return true if the server accepted it, false if there is no such session
     */
    boolean cancel(Connection connection, long connectionId) throws SQLException;

    /**
     * Ends another session, releasing its locks.
     *
     * @return true if the server accepted it, false if there is no such session
     */
    boolean terminate(Connection connection, long connectionId) throws SQLException;
}
