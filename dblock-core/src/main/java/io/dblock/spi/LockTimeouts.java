package io.dblock.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Facet of a {@link LockEngine} that can set a session's lock wait limits for a scope ({@code
 * DbLocks.lockTimeout(...)}).
 */
public interface LockTimeouts {

    /**
     * Sets the session's lock wait limits to {@code wait} and returns what they were, in a form {@link
     * #restoreLockTimeouts} takes back. PostgreSQL: {@code lock_timeout}; MySQL/MariaDB: {@code lock_wait_timeout} and
     * {@code innodb_lock_wait_timeout}.
     *
     * @param wait the limit; {@link Wait#FOREVER} for the engine's "no limit", {@link Wait#NONE} for its smallest limit
     */
    List<String> setLockTimeouts(Connection connection, Wait wait) throws SQLException;

    /** Puts back the values {@link #setLockTimeouts} returned. */
    void restoreLockTimeouts(Connection connection, List<String> previous) throws SQLException;
}
