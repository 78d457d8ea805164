package io.dblock.mysql;

import io.dblock.spi.AbstractLockEngineProvider;
import io.dblock.spi.LockEngine;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/** MySQL 8.0 or newer, through MySQL Connector/J or MariaDB Connector/J. */
public final class MySqlEngineProvider extends AbstractLockEngineProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public MySqlEngineProvider() {
        super("MySQL", "8.0 or newer", 10);
    }

    @Override
    public boolean supports(DatabaseMetaData metaData) throws SQLException {
        return "MySQL".equalsIgnoreCase(metaData.getDatabaseProductName())
                && !MariaDbEngineProvider.isMariaDb(metaData);
    }

    @Override
    public LockEngine create(DatabaseMetaData metaData) throws SQLException {
        if (metaData.getDatabaseMajorVersion() < 8) {
            throw new io.dblock.UnsupportedLockException(
                    "MySQL " + metaData.getDatabaseProductVersion()
                            + " is too old for dblock: it needs MySQL 8.0 or newer (several named locks per session,"
                            + " performance_schema.metadata_locks)",
                    null);
        }
        return new MySqlEngine(false, metaData.getDatabaseProductVersion());
    }
}
