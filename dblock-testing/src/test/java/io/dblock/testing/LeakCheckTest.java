package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Calls the leak check directly; {@link DbLockExtensionEngineTest} covers it running inside JUnit. */
@PostgresTest
class LeakCheckTest {

    private static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void passesWhenNoLockIsHeld(TestDatabase database) throws Exception {
        LeakCheck.verify(database, SHORT);
    }

    @Test
    void passesWhenTheSessionWasClosedWithTheLockHeld(TestDatabase database, DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            EmbeddedPostgresTest.query(connection, "select pg_advisory_lock(41)");
        }
        // The backend may still be exiting; the check waits for it rather than reporting a leak.
        LeakCheck.verify(database, LeakCheck.DEFAULT_TIMEOUT);
    }

    @Test
    void failsOnALeakedLockAndTerminatesItsSession(TestDatabase database, DataSource dataSource) throws Exception {
        Connection leaky = dataSource.getConnection();
        try {
            leaky.createStatement().execute("SET application_name = 'leaky test'");
            String pid = EmbeddedPostgresTest.query(leaky, "select pg_backend_pid()");
            EmbeddedPostgresTest.query(leaky, "select pg_advisory_lock(42)");
            EmbeddedPostgresTest.query(leaky, "select pg_advisory_lock(7, 8)");

            assertThatThrownBy(() -> LeakCheck.verify(database, SHORT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("2 advisory lock(s) still held 200 ms after the test")
                    .hasMessageContaining("advisory 42 EXCLUSIVE held by session " + pid
                            + " (application_name 'leaky test'; pg_locks classid=0 objid=42 objsubid=1): not taken"
                            + " through dblock in this JVM; the session's last statement was"
                            + " 'select pg_advisory_lock(7, 8)'")
                    .hasMessageContaining("advisory (7,8) EXCLUSIVE held by session " + pid
                            + " (application_name 'leaky test'; pg_locks classid=7 objid=8 objsubid=2)");

            assertThat(leaky.isValid(5)).as("leaking session terminated").isFalse();
            assertThat(database.advisoryLocks()).isEmpty();
        } finally {
            leaky.close();
        }
    }

    @Test
    void reportsSharedAndWaitingLocks(TestDatabase database, DataSource dataSource) throws Exception {
        try (Connection holder = dataSource.getConnection()) {
            EmbeddedPostgresTest.query(holder, "select pg_advisory_lock_shared(43)");
            assertThatThrownBy(() -> LeakCheck.verify(database, SHORT))
                    .hasMessageContaining("advisory 43 SHARED held by session ");
            assertThat(holder.isValid(5)).isFalse();
        }
    }
}
