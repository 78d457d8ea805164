package io.dblock.spi;

import io.dblock.LockUsageException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A base for {@link SessionControl}: cancelling and terminating are one signal to another session, with or without
 * ending it, and neither may hit the session the caller runs on.
 */
public abstract class AbstractSessionControl implements SessionControl {

    /** For subclasses. */
    protected AbstractSessionControl() {}

    @Override
    public final boolean cancel(Connection connection, long connectionId) throws SQLException {
        return signal(connection, connectionId, false);
    }

    @Override
    public final boolean terminate(Connection connection, long connectionId) throws SQLException {
        return signal(connection, connectionId, true);
    }

    /**
     * Cancels the running statement of session {@code connectionId} or, with {@code terminate}, ends the session.
     *
     * @return true if the server accepted it, false if there is no such session
     */
    protected abstract boolean signal(Connection connection, long connectionId, boolean terminate) throws SQLException;

    /** {@code "terminate"} or {@code "cancel"}, for messages. */
    protected static String action(boolean terminate) {
        return terminate ? "terminate" : "cancel";
    }

    /** The refusal to signal {@code connectionId} because it is the session the caller (the inspector) runs on. */
    protected static LockUsageException ownSession(long connectionId, boolean terminate) {
        return new LockUsageException(
                "refusing to " + action(terminate) + " session " + connectionId
                        + ": it is the session the inspector itself runs on",
                null);
    }
}
