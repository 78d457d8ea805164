package io.dblock;

import io.dblock.spi.LockEngine;
import io.dblock.spi.LockEngineProvider;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** Picks the engine for a database from the {@link LockEngineProvider}s on the class path. */
final class EngineDetection {

    private EngineDetection() {}

    /**
     * Opens one connection to read the database's product name and version, and returns the engine of the
     * highest-priority provider that supports it.
     *
     * @throws UnsupportedLockException naming the supported engines if none fits
     */
    public static LockEngine detect(DataSource dataSource) {
        List<LockEngineProvider> providers = providers();
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData metaData = connection.getMetaData();
            for (LockEngineProvider provider : providers) {
                if (provider.supports(metaData)) {
                    return provider.create(metaData);
                }
            }
            throw new UnsupportedLockException(
                    metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion()
                            + " is not supported by dblock; supported databases: " + describe(providers),
                    null);
        } catch (SQLException e) {
            throw new LockFailedException("could not connect to detect the database engine", null, null, null, e);
        }
    }

    static List<LockEngineProvider> providers() {
        List<LockEngineProvider> providers = new ArrayList<>();
        ServiceLoader.load(LockEngineProvider.class, EngineDetection.class.getClassLoader())
                .forEach(providers::add);
        providers.sort(Comparator.comparingInt(LockEngineProvider::priority).reversed());
        return providers;
    }

    private static String describe(List<LockEngineProvider> providers) {
        if (providers.isEmpty()) {
            return "none (no io.dblock.spi.LockEngineProvider found on the class path)";
        }
        return providers.stream()
                .map(p -> p.name() + " " + p.supportedVersions())
                .collect(Collectors.joining(", "));
    }
}
