package io.dblock.spi;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * Finds the engine for a database; discovered through {@link java.util.ServiceLoader}.
 *
 * <p>To add an engine, implement this interface and list the class in {@code
 * META-INF/services/io.dblock.spi.LockEngineProvider}. When several providers support a database, the one with the
 * highest {@link #priority()} wins (so a MariaDB provider can win over a MySQL one for a server that says it is both).
 */
public interface LockEngineProvider {

    /** The engine's display name, e.g. {@code "PostgreSQL"}, used in messages listing what is supported. */
    String name();

    /** Which versions are supported, for messages, e.g. {@code "9.6 or newer"}. */
    String supportedVersions();

    /** Higher wins when several providers support one database. Built-in providers use 0..100. */
    default int priority() {
        return 0;
    }

    /** True if this provider's engine can work with the database described by {@code metaData}. */
    boolean supports(DatabaseMetaData metaData) throws SQLException;

    /**
     * Creates the engine for a supported database.
     *
     * @throws io.dblock.UnsupportedLockException if the product matches but its version is too old
     */
    LockEngine create(DatabaseMetaData metaData) throws SQLException;
}
