package io.dblock.mysql;

import io.dblock.spi.LockEngine;
import io.dblock.spi.LockEngineProvider;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/** MySQL 8.0 or newer, through MySQL Connector/J or MariaDB Connector/J. */
public final class MySqlEngineProvider implements LockEngineProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public MySqlEngineProvider() {}

    @Override
    public String name() {
        return "MySQL";
    }

    @Override
    public String supportedVersions() {
        return "8.0 or newer";
    }

    @Override
    public int priority() {
        return 10;
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
