package io.dblock;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.junit.jupiter.api.Nested;

/** The engine-neutral contracts on MariaDB 10.11 (embedded). */
@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011Test {

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
}
