package io.dblock.mysql;

import io.dblock.UnsupportedLockException;
import io.dblock.spi.AbstractLockEngineProvider;
import io.dblock.spi.LockEngine;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MariaDB 10.5 or newer. Chosen over MySQL whenever the server says it is MariaDB, even through a driver or proxy that
 * reports "MySQL" as the product name (the version string then reads e.g. {@code 5.5.5-10.11.5-MariaDB}).
 */
public final class MariaDbEngineProvider extends AbstractLockEngineProvider {

    private static final Pattern VERSION = Pattern.compile("(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)");

    /** Called by {@link java.util.ServiceLoader}. */
    public MariaDbEngineProvider() {
        super("MariaDB", "10.5 or newer", 20);
    }

    @Override
    public boolean supports(DatabaseMetaData metaData) throws SQLException {
        return isMariaDb(metaData);
    }

    static boolean isMariaDb(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName();
        String version = metaData.getDatabaseProductVersion();
        return "MariaDB".equalsIgnoreCase(product) || (version != null && version.contains("MariaDB"));
    }

    @Override
    public LockEngine create(DatabaseMetaData metaData) throws SQLException {
        String version = metaData.getDatabaseProductVersion();
        Matcher m = VERSION.matcher(version);
        // RELEASE_ALL_LOCKS and performance_schema user locks arrived in 10.5.2.
        if (m.find()
                && (Integer.parseInt(m.group(1)) < 10
                        || (Integer.parseInt(m.group(1)) == 10 && Integer.parseInt(m.group(2)) < 5))) {
            throw new UnsupportedLockException(
                    "MariaDB " + version + " is too old for dblock: it needs MariaDB 10.5 or newer", null);
        }
        return new MySqlEngine(true, version);
    }
}
