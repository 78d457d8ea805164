package io.dblock.testing;

import static io.dblock.testing.EmbeddedPostgresTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;

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

/** Runs {@link DatabaseTest} classes through JUnit: the MariaDB leak check, {@link NoLeakCheck}, skipping. */
class DatabaseTestEngineTest {

    @Test
    @ResourceLock("io.dblock.testing.mariadb-11.4") // its inner run leaks on purpose: keep other 11.4 tests away
    void mariaDbLeakCheckFailsOnlyTheTestThatLeaksAndKillsItsConnection() throws SQLException {
        Events tests = InnerRun.run(LeakingMariaDbTests.class).testEvents();

        InnerRun.assertOnlyTheLeakFailed(
                tests,
                "1 user-level lock(s) still held 200 ms",
                "user lock 'dblock.engine-test.leaked' held by connection");
        try {
            assertThat(LeakingMariaDbTests.leaked.isValid(5))
                    .as("leaking connection killed")
                    .isFalse();
            // @NoLeakCheck on the method: its lock survives until we clean up.
            assertThat(Engine.MARIADB_11_4.database().userLocks())
                    .extracting(HeldUserLock::name)
                    .containsExactly("dblock.engine-test.exempt");
        } finally {
            LeakingMariaDbTests.leaked.close();
            LeakingMariaDbTests.exempt.close();
        }
    }

    @Test
    void externalMysqlTestsAreSkippedWithTheReasonWhenItsUrlIsUnset() {
        Events containers = InnerRun.run(ExternalMysqlTests.class).containerEvents();
        if (TestDatabase.externalMysql().isEmpty()) {
            containers
                    .assertThatEvents()
                    .haveExactly(
                            1,
                            event(
                                    container(ExternalMysqlTests.class),
                                    skippedWithReason(reason -> reason.startsWith(
                                            "DBLOCK_TEST_MYSQL_URL is not set: no external MySQL/MariaDB server"))));
        } else {
            containers.assertStatistics(stats -> stats.skipped(0));
        }
    }

    @DatabaseTest(engine = Engine.MARIADB_11_4)
    @EnabledIf(InnerRun.INSIDE)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class LeakingMariaDbTests {

        static Connection leaked;
        static Connection exempt;

        @Test
        @Order(1)
        void leaksALock(DataSource dataSource) throws SQLException {
            leaked = dataSource.getConnection();
            query(leaked, "SELECT GET_LOCK('dblock.engine-test.leaked', 0)");
        }

        @Test
        @Order(2)
        void releasesItsLock(DataSource dataSource) throws SQLException {
            try (Connection connection = dataSource.getConnection()) {
                query(connection, "SELECT GET_LOCK('dblock.engine-test.leaked', 0)");
                query(connection, "SELECT RELEASE_LOCK('dblock.engine-test.leaked')");
            }
        }

        @Test
        @Order(3)
        @NoLeakCheck("keeps its lock for the enclosing test to find")
        void isExempt(DataSource dataSource) throws SQLException {
            exempt = dataSource.getConnection();
            query(exempt, "SELECT GET_LOCK('dblock.engine-test.exempt', 0)");
        }
    }

    @DatabaseTest(engine = Engine.MYSQL_EXTERNAL)
    @EnabledIf(InnerRun.INSIDE)
    static class ExternalMysqlTests {

        @Test
        void runsOnlyWithTheUrl(TestDatabase database) {
            assertThat(database.engine()).isIn("MySQL", "MariaDB");
        }
    }
}
