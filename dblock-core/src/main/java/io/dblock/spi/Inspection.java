package io.dblock.spi;

import io.dblock.inspect.SessionInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

/**
 * Facet of a {@link LockEngine} that can read the server's locks and sessions, for {@link
 * io.dblock.inspect.LockInspector}. Without it, the inspector throws {@link io.dblock.UnsupportedLockException}.
 */
public interface Inspection {

    /**
     * Reads the server's table and advisory locks, wait-for edges and the sessions involved.
     *
     * @throws io.dblock.UnsupportedLockException if the server does not expose them right now, saying what would
     *     (for example a {@code performance_schema} setting)
     */
    InspectionSnapshot inspect(Connection connection) throws SQLException;

    /** Describes the given sessions (those that no longer exist are left out). */
    Map<Long, SessionInfo> sessions(Connection connection, Set<Long> connectionIds) throws SQLException;
}
