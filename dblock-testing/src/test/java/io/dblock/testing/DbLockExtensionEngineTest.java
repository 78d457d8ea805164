package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.platform.testkit.engine.Events;

/** Runs {@link LeakingTests} through JUnit to check that the extension's leak check fails the right test. */
@ResourceLock(DbLockExtension.RESOURCE_LOCK) // its inner run leaks on purpose: keep other PostgreSQL tests away
class DbLockExtensionEngineTest {

    @Test
    void failsOnlyTheTestThatLeaksAndCleansUpAfterIt() throws SQLException {
        Events tests = InnerRun.run(LeakingTests.class).testEvents();

        InnerRun.assertOnlyTheLeakFailed(
                tests, "1 advisory lock(s) still held 200 ms", "advisory 4711 EXCLUSIVE held by session");
        try {
            assertThat(LeakingTests.leaked.isValid(5))
                    .as("leaking session terminated")
                    .isFalse();
            // leakCheck = false on the method: its lock survives until we clean up.
            assertThat(TestDatabase.postgres().advisoryLocks())
                    .extracting(HeldAdvisoryLock::key)
                    .containsExactly(4712L);
        } finally {
            LeakingTests.leaked.close();
            LeakingTests.exempt.close();
        }
    }

    @PostgresTest
    @EnabledIf(InnerRun.INSIDE)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class LeakingTests {

        static Connection leaked;
        static Connection exempt;

        @Test
        @Order(1)
        void leaksALock(DataSource dataSource) throws SQLException {
            leaked = dataSource.getConnection();
            EmbeddedPostgresTest.query(leaked, "select pg_advisory_lock(4711)");
        }

        @Test
        @Order(2)
        void releasesItsLock(DataSource dataSource) throws SQLException {
            try (Connection connection = dataSource.getConnection()) {
                EmbeddedPostgresTest.query(connection, "select pg_advisory_lock(4711)");
                EmbeddedPostgresTest.query(connection, "select pg_advisory_unlock(4711)");
            }
        }

        @Test
        @Order(3)
        @PostgresTest(leakCheck = false)
        void isExempt(DataSource dataSource) throws SQLException {
            exempt = dataSource.getConnection();
            EmbeddedPostgresTest.query(exempt, "select pg_advisory_lock(4712)");
        }
    }
}
