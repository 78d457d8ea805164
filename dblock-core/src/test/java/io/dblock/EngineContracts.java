package io.dblock;

import io.dblock.inspect.HolderLabelContract;
import io.dblock.inspect.InspectorContract;
import io.dblock.testing.DatabaseTest;
import org.junit.jupiter.api.Nested;

/**
 * The contracts of an engine that has every facet they need, bound once: an engine binding extends this class and
 * names its engine with {@link DatabaseTest}, and JUnit runs the inherited {@code @Nested} classes inside the binding,
 * on the binding's engine ({@code PostgresTest} is {@code @DatabaseTest(engine = Engine.POSTGRES) class PostgresTest
 * extends EngineContracts}).
 *
 * <p>A binding adds tests of its own engine to a contract by declaring a {@code @Nested} class of the same name that
 * extends the same contract: it hides the inherited class (Java's hiding, which JUnit follows), so the contract still
 * runs once. An engine that lacks a facet some of these contracts need lists its {@code @Nested} classes itself;
 * {@link ContractBindingTest} says which apply.
 *
 * <p>The contracts run on the engine's own driver; {@link ConnectorJContracts} runs the MySQL family's through MySQL
 * Connector/J.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.dblock.support.OnlyContract.class)
abstract class EngineContracts {

    @Nested
    class Multiplexed extends MultiplexingContract {}

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
    class Partitions extends PartitionContract {}

    @Nested
    class MutualExclusion extends MutualExclusionContract {}

    @Nested
    class Faults extends FaultContract {}

    @Nested
    class FailoverGraces extends FailoverGraceContract {}

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
    class HolderLabels extends HolderLabelContract {}
}
