package io.dblock.spring;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.junit.jupiter.api.Nested;

/** The engine-neutral contracts on the embedded MariaDB 11.4. */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114Test {

    @Nested
    class TransactionBoundLocks extends TransactionalLocksContract {}

    @Nested
    class Annotations extends AnnotationContract {}

    @Nested
    class Ordering extends OrderingContract {}

    @Nested
    class RacingCounter extends RacingCounterContract {}

    @Nested
    class SpringIntegrationLockRegistry extends LockRegistryContract {}

    @Nested
    class LeaderElection extends LeaderElectionContract {}

    @Nested
    class ShedLockProvider extends LockProviderContract {}

    @Nested
    class LostLocks extends LostLockContract {}

    @Nested
    class ConnectionBudget extends ConnectionBudgetContract {}
}
