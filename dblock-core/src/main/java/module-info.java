/**
 * dblock: database-level locks (advisory and named locks, table locks) kept by PostgreSQL and MySQL/MariaDB.
 *
 * <p>Exports the API ({@code io.dblock}), the inspector's types ({@code io.dblock.inspect}) and the engine SPI
 * ({@code io.dblock.spi}). The implementation (package-private types in {@code io.dblock}) and the engines ({@code io.dblock.postgres},
 * {@code io.dblock.mysql}) are not exported: the engines are found through {@link java.util.ServiceLoader}.
 */
module io.dblock {
    requires transitive java.sql;

    exports io.dblock;
    exports io.dblock.inspect;
    exports io.dblock.spi;

    uses io.dblock.spi.LockEngineProvider;

    provides io.dblock.spi.LockEngineProvider with
            io.dblock.postgres.PostgresEngineProvider,
            io.dblock.mysql.MariaDbEngineProvider,
            io.dblock.mysql.MySqlEngineProvider;
}
