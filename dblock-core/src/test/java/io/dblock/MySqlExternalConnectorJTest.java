package io.dblock;

import io.dblock.mysql.MySqlFamilyContract;
import io.dblock.mysql.MySqlIntegrityContract;
import io.dblock.support.ConnectorJ;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import org.junit.jupiter.api.Nested;

/**
 * The contracts on the external server of DBLOCK_TEST_MYSQL_URL (skipped when unset), with dblock working through
 * MySQL Connector/J instead of the MariaDB driver: both drivers are supported.
 *
 * <p>One {@code @Nested} class per contract whose needs ({@link io.dblock.support.Needs}) the engine meets and that
 * lets the test choose the driver ({@link io.dblock.support.DriverUnderTest}); {@link ContractBindingTest} fails when one
 * is missing or one too many.
 */
@DatabaseTest(engine = Engine.MYSQL_EXTERNAL)
class MySqlExternalConnectorJTest {

    @Nested
    class AdvisoryLocks extends AdvisoryLockContract implements ConnectorJ.Driver {}

    @Nested
    class TableLocks extends TableLockContract implements ConnectorJ.Driver {}

    @Nested
    class Deadlocks extends DeadlockContract implements ConnectorJ.Driver {}

    @Nested
    class Interrupts extends InterruptContract implements ConnectorJ.Driver {}

    @Nested
    class LocalQueue extends LocalQueueContract implements ConnectorJ.Driver {}

    @Nested
    class PinnedConnections extends PinnedConnectionContract implements ConnectorJ.Driver {}

    @Nested
    class RoundTrips extends RoundTripContract implements ConnectorJ.Driver {}

    @Nested
    class Faults extends FaultContract implements ConnectorJ.Driver {}

    @Nested
    class PoolSafety extends PoolSafetyContract implements ConnectorJ.Driver {}

    @Nested
    class BadInput extends BadInputContract implements ConnectorJ.Driver {}

    @Nested
    class DeadConnections extends DeadConnectionContract implements ConnectorJ.Driver {
        @Override
        String jdbcUrl(TestDatabase db) {
            return ConnectorJ.url(db);
        }
    }

    @Nested
    class Shutdown extends ShutdownContract implements ConnectorJ.Driver {}

    @Nested
    class VirtualThreads extends VirtualThreadContract implements ConnectorJ.Driver {}

    @Nested
    class LeakedHandles extends LeakedHandleContract implements ConnectorJ.Driver {}

    @Nested
    class MySqlFamily extends MySqlFamilyContract implements ConnectorJ.Driver {}

    @Nested
    class MySqlIntegrity extends MySqlIntegrityContract implements ConnectorJ.Driver {}
}
