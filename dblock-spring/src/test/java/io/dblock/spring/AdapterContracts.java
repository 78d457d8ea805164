package io.dblock.spring;

import io.dblock.testing.DatabaseTest;
import org.junit.jupiter.api.Nested;

/**
 * The contracts of the adapters (Spring Integration's {@code LockRegistry} and leader election, ShedLock's {@code
 * LockProvider}, the annotations) and of lost locks, bound once: an engine binding extends this class, or {@link
 * SpringContracts} for every contract, and names its engine with {@link DatabaseTest}; JUnit runs the inherited
 * {@code @Nested} classes inside the binding, on its engine.
 */
abstract class AdapterContracts {

    @Nested
    class SpringIntegrationLockRegistry extends LockRegistryContract {}

    @Nested
    class LockRegistryMigration extends LockRegistryMigrationContract {}

    @Nested
    class LeaderElection extends LeaderElectionContract {}

    @Nested
    class LeaderElectionBaseline extends JdbcLockRegistryLeaderElectionContract {}

    @Nested
    class ShedLockProvider extends LockProviderContract {}

    @Nested
    class ShedLockMigration extends ShedLockMigrationContract {}

    @Nested
    class LostLocks extends LostLockContract {}

    @Nested
    class Annotations extends AnnotationContract {}
}
