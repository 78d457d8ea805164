package io.dblock.postgres;

import io.dblock.UnsupportedLockException;
import io.dblock.spi.AbstractLockEngineProvider;
import io.dblock.spi.LockEngine;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/** Provides {@link PostgresEngine} for servers whose product name is "PostgreSQL", version 9.6 or newer. */
public final class PostgresEngineProvider extends AbstractLockEngineProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public PostgresEngineProvider() {
        super("PostgreSQL", "9.6 or newer", 0);
    }

    @Override
    public boolean supports(DatabaseMetaData metaData) throws SQLException {
        return "PostgreSQL".equalsIgnoreCase(metaData.getDatabaseProductName());
    }

    @Override
    public LockEngine create(DatabaseMetaData metaData) throws SQLException {
        int major = metaData.getDatabaseMajorVersion();
        int minor = metaData.getDatabaseMinorVersion();
        // lock_timeout needs 9.3, pg_blocking_pids (used by the inspector) 9.6.
        if (major < 9 || (major == 9 && minor < 6)) {
            throw new UnsupportedLockException(
                    "PostgreSQL " + metaData.getDatabaseProductVersion()
                            + " is too old for dblock: it needs PostgreSQL 9.6 or newer",
                    null);
        }
        return new PostgresEngine(metaData.getDatabaseProductVersion());
    }
}
