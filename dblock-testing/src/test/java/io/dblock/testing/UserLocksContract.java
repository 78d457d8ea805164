package io.dblock.testing;

import static io.dblock.testing.EmbeddedPostgresTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** User-level locks, their listing, clean-up and leak check: the same on every MySQL-family engine. */
abstract class UserLocksContract {

    @AutoClose
    final TestThreads threads = new TestThreads();

    private static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void listsHeldAndPendingLocksOfOtherConnections(TestDatabase database, DataSource dataSource) throws Exception {
        try (Connection holder = dataSource.getConnection();
                Connection waiter = dataSource.getConnection()) {
            long holderId = connectionId(holder);
            long waiterId = connectionId(waiter);
            assertThat(query(holder, "SELECT GET_LOCK('dblock.x', 0)")).isEqualTo("1");
            TestThreads.TestThread<String> blocked =
                    threads.start("get-lock-waiter", () -> query(waiter, "SELECT GET_LOCK('dblock.x', 30)"));

            Await.untilChecked(
                    Duration.ofSeconds(10), "the waiter to show up in metadata_locks", () -> database.userLocks()
                            .contains(new HeldUserLock(waiterId, "dblock.x", "PENDING")));
            assertThat(database.userLocks())
                    .containsExactlyInAnyOrder(
                            new HeldUserLock(holderId, "dblock.x", "GRANTED"),
                            new HeldUserLock(waiterId, "dblock.x", "PENDING"))
                    .filteredOn(HeldUserLock::granted)
                    .extracting(HeldUserLock::connectionId)
                    .containsExactly(holderId);

            assertThat(query(holder, "SELECT RELEASE_LOCK('dblock.x')")).isEqualTo("1");
            assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo("1");
            assertThat(database.userLocks()).containsExactly(new HeldUserLock(waiterId, "dblock.x", "GRANTED"));
            assertThat(query(waiter, "SELECT RELEASE_LOCK('dblock.x')")).isEqualTo("1");
        }
        assertThat(database.userLocks()).isEmpty();
    }

    @Test
    void leavesOutTheListingConnection(TestDatabase database, DataSource dataSource) throws Exception {
        try (Connection holder = dataSource.getConnection()) {
            query(holder, "SELECT GET_LOCK('dblock.own', 0)");
            assertThat(database.userLocks()).extracting(HeldUserLock::name).containsExactly("dblock.own");
            query(holder, "SELECT RELEASE_ALL_LOCKS()");
        }
    }

    @Test
    void terminateOtherSessionsKillsThemAndReleasesTheirLocks(TestDatabase database, DataSource dataSource)
            throws Exception {
        try (Connection idle = dataSource.getConnection();
                Connection locking = dataSource.getConnection()) {
            query(locking, "SELECT GET_LOCK('dblock.terminated', 0)");

            database.terminateOtherSessions();

            assertThat(idle.isValid(5)).isFalse();
            assertThat(locking.isValid(5)).isFalse();
            assertThat(database.userLocks()).isEmpty();
        }
    }

    @Test
    void leakCheckPassesWhenTheConnectionWasClosedWithTheLockHeld(TestDatabase database, DataSource dataSource)
            throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            query(connection, "SELECT GET_LOCK('dblock.closed', 0)");
        }
        // The server thread may still be ending; the check waits for it rather than reporting a leak.
        LeakCheck.verify(database, LeakCheck.DEFAULT_TIMEOUT);
    }

    @Test
    void leakCheckFailsOnALeakedLockAndKillsItsConnection(TestDatabase database, DataSource dataSource)
            throws Exception {
        Connection leaky = dataSource.getConnection();
        try {
            long id = connectionId(leaky);
            query(leaky, "SELECT GET_LOCK('dblock.leaked', 0)");
            query(leaky, "SELECT GET_LOCK('dblock.leaked.too', 0)");

            assertThatThrownBy(() -> LeakCheck.verify(database, SHORT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("2 user-level lock(s) still held 200 ms after the test;"
                            + " killed connections [" + id + "]")
                    .hasMessageContaining("user lock 'dblock.leaked' held by connection " + id + " (user '"
                            + database.user() + "'): not taken through dblock in this JVM; the connection is Sleep,"
                            + " its last statement was ''")
                    .hasMessageContaining("user lock 'dblock.leaked.too' held by connection " + id);

            assertThat(leaky.isValid(5)).as("leaking connection killed").isFalse();
            assertThat(database.userLocks()).isEmpty();
        } finally {
            leaky.close();
        }
    }

    @Test
    void hasNoAdvisoryLocks(TestDatabase database) {
        assertThatThrownBy(database::advisoryLocks)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("userLocks()");
    }

    static long connectionId(Connection connection) throws Exception {
        return Long.parseLong(query(connection, "SELECT CONNECTION_ID()"));
    }
}
