package io.dblock;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.junit.jupiter.api.Nested;

/** The engine-neutral contracts on the external MySQL or MariaDB server of DBLOCK_TEST_MYSQL_URL (skipped when unset). */
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
}
