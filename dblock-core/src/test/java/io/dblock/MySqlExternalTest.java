package io.dblock;

import io.dblock.inspect.InspectorContract;
import io.dblock.mysql.MySqlCharsetContract;
import io.dblock.mysql.MySqlFamilyContract;
import io.dblock.mysql.MySqlIntegrityContract;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.junit.jupiter.api.Nested;

/**
 * The contracts on the external MySQL or MariaDB server of DBLOCK_TEST_MYSQL_URL (skipped when unset).
 *
 * <p>One {@code @Nested} class per contract whose needs ({@link io.dblock.support.Needs}) the engine meets;
 * {@link ContractBindingTest} fails when one is missing or one too many.
 */
@DatabaseTest(engine = Engine.MYSQL_EXTERNAL)
class MySqlExternalTest {

    @Nested
    class AdvisoryLocks extends AdvisoryLockContract {}

    @Nested
    class TableLocks extends TableLockContract {}

    @Nested
    class Deadlocks extends DeadlockContract {}

    @Nested
    class Interrupts extends InterruptContract {}

    @Nested
    class LocalQueue extends LocalQueueContract {}

    @Nested
    class PinnedConnections extends PinnedConnectionContract {}

    @Nested
    class RoundTrips extends RoundTripContract {}

    @Nested
    class LockTimeoutScopes extends LockTimeoutScopeContract {}

    @Nested
    class Priorities extends PriorityContract {}

    @Nested
    class Listeners extends ListenerContract {}

    @Nested
    class Watchdogs extends WatchdogContract {}

    @Nested
    class Keepalives extends KeepaliveContract {}

    @Nested
    class MutualExclusion extends MutualExclusionContract {}

    @Nested
    class Faults extends FaultContract {}

    @Nested
    class PoolSafety extends PoolSafetyContract {}

    @Nested
    class BadInput extends BadInputContract {}

    @Nested
    class DeadConnections extends DeadConnectionContract {}

    @Nested
    class Shutdown extends ShutdownContract {}

    @Nested
    class VirtualThreads extends VirtualThreadContract {}

    @Nested
    class Fencing extends FencingContract {}

    @Nested
    class LeakedHandles extends LeakedHandleContract {}

    @Nested
    class Inspector extends InspectorContract {}

    @Nested
    class MySqlFamily extends MySqlFamilyContract {}

    @Nested
    class MySqlIntegrity extends MySqlIntegrityContract {}

    @Nested
    class MySqlCharset extends MySqlCharsetContract {}
}
