package io.dblock.support;

import io.dblock.testing.TestDatabase;
import javax.sql.DataSource;

/**
 * Where a contract gets the connections dblock works on. By default the engine's own driver ({@link
 * TestDatabase#dataSource()}); a subclass overrides {@link #dataSource(TestDatabase)} to run the same contract through
 * another driver (MySQL Connector/J against MariaDB). Probes that watch the server keep using the default driver.
 */
public interface DriverUnderTest {

    /** A new non-pooling data source for dblock under test. */
    default DataSource dataSource(TestDatabase db) {
        return db.dataSource();
    }
}
