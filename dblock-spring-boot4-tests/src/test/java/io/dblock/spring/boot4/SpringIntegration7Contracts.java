package io.dblock.spring.boot4;

import io.dblock.spring.LeaderElectionContract;
import org.junit.jupiter.api.Nested;

/**
 * dblock-spring's registry on Spring Integration 7, bound once per engine: its {@code DistributedLock}s, and leader
 * election ({@code LockRegistryLeaderInitiator} of Spring Integration 7) with the leader's sessions killed.
 */
abstract class SpringIntegration7Contracts {

    @Nested
    class DistributedLocks extends DistributedLockContract {}

    @Nested
    class LeaderElection extends LeaderElectionContract {}
}
