package io.dblock.spring;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.junit.jupiter.api.Nested;

/**
 * The adapters' contracts and the lost-lock behaviour on the embedded MariaDB 10.11 (the previous LTS line, whose
 * binaries the {@code mariadb-linux-amd64} profile adds), as on 11.4 in {@link MariaDb114Test}.
 */
@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011Test {

    @Nested
    class SpringIntegrationLockRegistry extends LockRegistryContract {}

    @Nested
    class LeaderElection extends LeaderElectionContract {}

    @Nested
    class ShedLockProvider extends LockProviderContract {}

    @Nested
    class LostLocks extends LostLockContract {}

    @Nested
    class Annotations extends AnnotationContract {}
}
