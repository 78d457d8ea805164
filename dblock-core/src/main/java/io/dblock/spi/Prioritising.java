package io.dblock.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * Facet of a {@link LockEngine} that can tell whom a waiting session waits for, so that a prioritised wait ({@code
 * priority(...)}) can cancel or end its blockers. Prioritising also needs {@link Inspection} (to describe the blockers)
 * and {@link SessionControl} (to act on them).
 */
public interface Prioritising {

    /** The connection ids of the sessions that {@code waiterId} waits for right now (empty if it does not wait). */
    Set<Long> blockers(Connection connection, long waiterId) throws SQLException;
}
