package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs {@link LeakingTests} through JUnit to check that the extension's leak check fails the right test. */
@ResourceLock(DbLockExtension.RESOURCE_LOCK) // its inner run leaks on purpose: keep other PostgreSQL tests away
class DbLockExtensionEngineTest {

    private static volatile boolean running;

    static boolean runningInsideEngineTest() {
        return running;
    }

    @Test
    void failsOnlyTheTestThatLeaksAndCleansUpAfterIt() throws SQLException {
        Events tests;
        running = true;
        try {
            tests = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(LeakingTests.class))
                    .configurationParameter(DbLockExtension.LEAK_CHECK_TIMEOUT_PARAMETER, "200")
                    .execute()
                    .testEvents();
        } finally {
            running = false;
        }

        tests.assertStatistics(stats -> stats.started(3).succeeded(2).failed(1));
        tests.failed()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("leaksALock"),
                                finishedWithFailure(
                                        instanceOf(AssertionError.class),
                                        message(m -> m.contains("1 advisory lock(s) still held 200 ms")
                                                && m.contains("objid=4711 objsubid=1 (key=4711)")))));
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
    @EnabledIf("io.dblock.testing.DbLockExtensionEngineTest#runningInsideEngineTest")
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
