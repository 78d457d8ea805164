package io.dblock;

import io.dblock.mysql.MySqlFamilyContract;
import io.dblock.mysql.MySqlIntegrityContract;
import io.dblock.support.ConnectorJ;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.TestDatabase;
import org.junit.jupiter.api.Nested;

/**
 * The contracts of a MySQL-family server with dblock working through MySQL Connector/J instead of the MariaDB driver
 * (both drivers are supported), bound once: a driver-variant binding extends this class and names its engine with
 * {@link DatabaseTest}, as {@link EngineContracts} describes.
 *
 * <p>These are the contracts that let the test choose the driver ({@link io.dblock.support.DriverUnderTest}); probes
 * that watch the server keep using the MariaDB driver.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.dblock.support.OnlyContract.class)
abstract class ConnectorJContracts {

    @Nested
    class Multiplexed extends MultiplexingContract implements ConnectorJ.Driver {}

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
