package io.dblock.spi;

import io.dblock.NamedLockHolder;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Facet of a {@link LockEngine} whose locks have names on the server, so that held locks can be listed by name prefix
 * ({@code DbLocks.namesHeldWithPrefix}).
 */
public interface LockNameListing {

    /**
     * Lists the named locks held on the server whose names start with {@code prefix}, without the engine's own name
     * prefix.
     *
     * @throws io.dblock.UnsupportedLockException if the server does not expose them right now, saying what would
     */
    List<NamedLockHolder> namesHeldWithPrefix(Connection connection, String prefix) throws SQLException;
}
