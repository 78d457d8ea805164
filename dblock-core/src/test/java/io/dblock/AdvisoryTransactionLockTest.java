package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.support.Server;
import io.dblock.testing.PostgresTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@PostgresTest
class AdvisoryTransactionLockTest {

    DbLocks locks;
    DbLocks otherNode;
    Server server;
    DataSource dataSource;

    @BeforeEach
    void setUp(DataSource dataSource) {
        this.dataSource = dataSource;
        locks = DbLocks.create(dataSource);
        otherNode = DbLocks.create(dataSource);
        server = new Server(dataSource);
        server.execute("CREATE TABLE IF NOT EXISTS xact_t (v text)");
        server.execute("TRUNCATE xact_t");
    }

    @Test
    void heldUntilCommit() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            locks.advisory("tx").acquireForTransaction(c);
            assertThat(locks.advisory("tx").holderConnectionIds()).containsExactly(Server.pid(c));
            assertThat(otherNode.advisory("tx").tryAcquire()).isEmpty();
            c.commit();
            assertThat(locks.advisory("tx").isLocked()).isFalse();
        }
    }

    /** Thousands of keys (past the 1664 entries of one select list, and pgjdbc's Sync every ~250 statements). */
    @Test
    void thousandsOfKeysAreTakenTogetherForTheTransaction() throws SQLException {
        LockKey[] keys = new LockKey[5_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i % 2 == 0 ? LockKey.of(800_000L + i) : LockKey.of(8, i);
        }
        AdvisoryLock all = locks.advisory(keys);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertThat(all.tryAcquireForTransaction(c)).isTrue();
            assertThat(otherNode.advisory(keys[keys.length - 1]).tryAcquire()).isEmpty();
            c.commit();
            assertThat(all.tryAcquireForTransaction(c, Duration.ofSeconds(5))).isTrue();
            c.commit();
            all.acquireForTransaction(c);
            assertThat(otherNode.advisory(keys[0]).holderConnectionIds()).containsExactly(Server.pid(c));
            c.rollback();
            try (LockHandle theirs = otherNode.advisory(keys[keys.length - 1]).acquire()) {
                assertThat(all.tryAcquireForTransaction(c)).isFalse();
                assertThat(all.tryAcquireForTransaction(c, Duration.ofMillis(50)))
                        .isFalse();
                assertThat(otherNode.advisory(keys[0]).tryAcquire())
                        .as("the partial grant was rolled back")
                        .hasValueSatisfying(LockHandle::close);
            }
            c.rollback();
        }
        assertThat(otherNode.advisory(keys).isLocked()).isFalse();
    }

    @Test
    void heldUntilRollback() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertThat(locks.advisory(5, 6).shared().tryAcquireForTransaction(c))
                    .isTrue();
            assertThat(otherNode.advisory(5, 6).shared().tryAcquire()).hasValueSatisfying(LockHandle::close);
            assertThat(otherNode.advisory(5, 6).tryAcquire()).isEmpty();
            c.rollback();
            assertThat(locks.advisory(5, 6).isLocked()).isFalse();
        }
    }

    @Test
    void autoCommitConnectionIsAUsageErrorAndLocksNothing() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            assertThatThrownBy(() -> locks.advisory("tx").acquireForTransaction(c))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("auto-commit")
                    .hasMessageContaining("setAutoCommit(false)");
            assertThat(locks.advisory("tx").isLocked()).isFalse();
        }
    }

    @Test
    void timeoutLeavesTheTransactionUsableAndItsLockTimeoutUnchanged() throws SQLException {
        try (LockHandle blocker = otherNode.advisory("busy").acquire();
                Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET lock_timeout = '7s'");
                s.execute("INSERT INTO xact_t VALUES ('before')");
            }
            assertThat(locks.advisory("busy").tryAcquireForTransaction(c, Duration.ofMillis(50)))
                    .isFalse();
            assertThatThrownBy(() -> locks.advisory("busy")
                            .timeout(Duration.ofMillis(50))
                            .acquireForTransaction(c))
                    .isInstanceOf(LockTimeoutException.class)
                    .cause()
                    .as("the server's lock_timeout error")
                    .isInstanceOfSatisfying(java.sql.SQLException.class, e -> assertThat(e.getSQLState())
                            .isEqualTo("55P03"));
            assertThat(Server.show(c, "lock_timeout")).isEqualTo("7s");
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO xact_t VALUES ('after')");
            }
            blocker.release();
            assertThat(locks.advisory("busy").tryAcquireForTransaction(c, Duration.ofSeconds(5)))
                    .isTrue();
            assertThat(Server.show(c, "lock_timeout")).isEqualTo("7s");
            c.commit();
        }
        assertThat(server.queryInt("SELECT count(*) FROM xact_t")).isEqualTo(2);
    }

    @Test
    void severalKeysAreAllOrNothingInTheTransaction() throws SQLException {
        try (LockHandle blocker = otherNode.advisory(2L).acquire();
                Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            AdvisoryLock both = locks.advisory(LockKey.of(1L), LockKey.of(2L));
            assertThat(both.tryAcquireForTransaction(c)).isFalse();
            assertThat(locks.advisory(1L).isLocked()).isFalse();
            assertThat(both.tryAcquireForTransaction(c, Duration.ofMillis(50))).isFalse();
            assertThat(locks.advisory(1L).isLocked()).isFalse();
            blocker.release();
            assertThat(both.tryAcquireForTransaction(c)).isTrue();
            assertThat(both.holderConnectionIds()).containsExactly(Server.pid(c));
            c.rollback();
        }
    }

    @Test
    void failedTransactionIsAUsageError() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute("SELECT 1/0")).isInstanceOf(SQLException.class);
            }
            assertThatThrownBy(() ->
                            locks.advisory("tx").timeout(Duration.ofSeconds(1)).acquireForTransaction(c))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("roll it back");
            c.rollback();
        }
    }
}
