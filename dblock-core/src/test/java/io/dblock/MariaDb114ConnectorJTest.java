package io.dblock;

import io.dblock.support.ConnectorJ;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;

/**
 * The engine-neutral contracts on MariaDB 11.4 (embedded), with dblock working through MySQL Connector/J instead of the
 * MariaDB driver: both drivers are supported.
 */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114ConnectorJTest {

    @Nested
    class AdvisoryLocks extends AdvisoryLockContract {
        @Override
        public DataSource dataSource(TestDatabase db) {
            return ConnectorJ.dataSource(db);
        }
    }

    @Nested
    class TableLocks extends TableLockContract {
        @Override
        public DataSource dataSource(TestDatabase db) {
            return ConnectorJ.dataSource(db);
        }
    }

    @Nested
    class Deadlocks extends DeadlockContract {
        @Override
        public DataSource dataSource(TestDatabase db) {
            return ConnectorJ.dataSource(db);
        }
    }

    @Nested
    class Interrupts extends InterruptContract {
        @Override
        public DataSource dataSource(TestDatabase db) {
            return ConnectorJ.dataSource(db);
        }
    }

    @Nested
    class LocalQueue extends LocalQueueContract {
        @Override
        public DataSource dataSource(TestDatabase db) {
            return ConnectorJ.dataSource(db);
        }
    }

    @Nested
    class PinnedConnections extends PinnedConnectionContract {
        @Override
        public DataSource dataSource(TestDatabase db) {
            return ConnectorJ.dataSource(db);
        }
    }

    @Nested
    class RoundTrips extends RoundTripContract {
        @Override
        public DataSource dataSource(TestDatabase db) {
            return ConnectorJ.dataSource(db);
        }
    }

    @Nested
    class DeadConnections extends DeadConnectionContract {
        @Override
        public DataSource dataSource(TestDatabase db) {
            return ConnectorJ.dataSource(db);
        }

        @Override
        String jdbcUrl(TestDatabase db) {
            return ConnectorJ.url(db);
        }
    }
}
