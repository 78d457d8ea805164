package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

@PostgresTest
class AdvisoryLocksTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    @Test
    void listsHeldAndAwaitedLocksOfOtherSessions(TestDatabase database, DataSource dataSource) throws Exception {
        try (Connection holder = dataSource.getConnection();
                Connection waiter = dataSource.getConnection()) {
            int holderPid = Integer.parseInt(EmbeddedPostgresTest.query(holder, "select pg_backend_pid()"));
            int waiterPid = Integer.parseInt(EmbeddedPostgresTest.query(waiter, "select pg_backend_pid()"));
            EmbeddedPostgresTest.query(holder, "select pg_advisory_lock(" + (5L << 32 | 6) + ")");
            TestThreads.TestThread<String> blocked = threads.start(
                    "pg-waiter",
                    () -> EmbeddedPostgresTest.query(waiter, "select pg_advisory_lock(" + (5L << 32 | 6) + ")"));

            Await.untilChecked(
                    Duration.ofSeconds(10), "the waiter to show up in pg_locks", () -> database.advisoryLocks()
                            .contains(new HeldAdvisoryLock(waiterPid, 5, 6, 1, "ExclusiveLock", false)));
            assertThat(database.advisoryLocks())
                    .containsExactlyInAnyOrder(
                            new HeldAdvisoryLock(holderPid, 5, 6, 1, "ExclusiveLock", true),
                            new HeldAdvisoryLock(waiterPid, 5, 6, 1, "ExclusiveLock", false))
                    .allSatisfy(lock -> assertThat(lock.key()).isEqualTo(5L << 32 | 6));

            EmbeddedPostgresTest.query(holder, "select pg_advisory_unlock_all()");
            blocked.get(10, TimeUnit.SECONDS);
            EmbeddedPostgresTest.query(waiter, "select pg_advisory_unlock_all()");
        }
        assertThat(database.advisoryLocks()).isEmpty();
    }

    @Test
    void reassemblesNegativeKeys(TestDatabase database, DataSource dataSource) throws Exception {
        try (Connection holder = dataSource.getConnection()) {
            EmbeddedPostgresTest.query(holder, "select pg_advisory_lock(-2)");
            assertThat(database.advisoryLocks())
                    .singleElement()
                    .satisfies(lock -> assertThat(lock.classid()).isEqualTo(0xFFFF_FFFFL))
                    .satisfies(lock -> assertThat(lock.key()).isEqualTo(-2L));
        }
    }

    @Test
    void terminateOtherSessionsEndsThemAndReleasesTheirLocks(TestDatabase database, DataSource dataSource)
            throws Exception {
        try (Connection idle = dataSource.getConnection();
                Connection locking = dataSource.getConnection()) {
            EmbeddedPostgresTest.query(locking, "select pg_advisory_lock(44)");

            database.terminateOtherSessions();

            assertThat(idle.isValid(5)).isFalse();
            assertThat(locking.isValid(5)).isFalse();
            assertThat(database.advisoryLocks()).isEmpty();
        }
    }
}
