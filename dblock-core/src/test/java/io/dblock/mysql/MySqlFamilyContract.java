package io.dblock.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.LockFailedException;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.LockUsageException;
import io.dblock.NamedLockHolder;
import io.dblock.TableLockMode;
import io.dblock.UnsupportedLockException;
import io.dblock.support.Probe;
import io.dblock.support.Server;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What only MySQL and MariaDB do: GET_LOCK names, what they lack, LOCK TABLES rules. */
abstract class MySqlFamilyContract {

    DbLocks locks;
    Server server;
    Probe probe;
    DataSource dataSource;
    TestDatabase db;

    @BeforeEach
    void setUp(DataSource dataSource, TestDatabase db) {
        this.dataSource = dataSource;
        this.db = db;
        locks = DbLocks.create(dataSource);
        server = new Server(dataSource);
        probe = Probe.of(db);
        server.execute("CREATE TABLE IF NOT EXISTS m1 (v int)");
        server.execute("CREATE TABLE IF NOT EXISTS m2 (v int)");
    }

    @Test
    void theEngineIsDetectedByWhatTheServerSaysItIs() {
        assertThat(locks.engineName()).isEqualTo(db.engine());
    }

    @Test
    void namesArePrefixedWithTheDatabase() {
        try (LockHandle h = locks.advisory("invoice:42").acquire()) {
            assertThat(server.queryInt("SELECT IS_USED_LOCK(CONCAT(DATABASE(), '.invoice:42'))"))
                    .isEqualTo((int) h.connectionId());
        }
        try (LockHandle h = locks.advisory(-7L).acquire()) {
            assertThat(server.queryInt("SELECT IS_USED_LOCK(CONCAT(DATABASE(), '.#-7'))"))
                    .isEqualTo((int) h.connectionId());
        }
    }

    @Test
    void tooLongNamesUseTheDocumentedHashedForm() {
        String key = "order-batch-" + "x".repeat(100);
        try (LockHandle h = locks.advisory(key).acquire()) {
            String database = server.queryString("SELECT DATABASE()");
            String hashed = LockNames.fit(database + "." + key);
            assertThat(hashed).hasSize(64);
            assertThat(server.queryInt("SELECT IS_USED_LOCK(?)", hashed)).isEqualTo((int) h.connectionId());
        }
    }

    @Test
    void namesHeldWithPrefixListsHoldersAndTakesWildcardsLiterally() {
        try (LockHandle a = locks.advisory("job:a").acquire();
                LockHandle b = locks.advisory("job:b").acquire();
                LockHandle pct = locks.advisory("x%y").acquire();
                LockHandle other = locks.advisory("xzy").acquire()) {
            assertThat(locks.namesHeldWithPrefix("job:"))
                    .containsExactly(
                            new NamedLockHolder("job:a", a.connectionId()),
                            new NamedLockHolder("job:b", b.connectionId()));
            assertThat(locks.namesHeldWithPrefix("x%"))
                    .extracting(NamedLockHolder::name)
                    .containsExactly("x%y");
        }
        assertThat(locks.namesHeldWithPrefix("job:")).isEmpty();
    }

    @Test
    void sharedLocksAreUnsupportedAndSayWhatToUse() {
        assertThatThrownBy(() -> locks.advisory("r").shared())
                .isInstanceOf(UnsupportedLockException.class)
                .hasMessageContaining("exclusive")
                .hasMessageContaining("PostgreSQL");
    }

    @Test
    void transactionScopedLocksAreUnsupportedAndSayWhatToUse() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> locks.advisory("t").acquireForTransaction(c))
                    .isInstanceOf(UnsupportedLockException.class)
                    .hasMessageContaining("session lock");
            c.rollback();
        }
    }

    @Test
    void postgresOnlyTableModesAreRefusedWithTheMapping() {
        for (TableLockMode mode : TableLockMode.values()) {
            if (mode == TableLockMode.SHARE || mode == TableLockMode.ACCESS_EXCLUSIVE) {
                continue;
            }
            assertThatThrownBy(() -> locks.tables("m1").mode(mode))
                    .as(mode.name())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("read(")
                    .hasMessageContaining("write(");
        }
    }

    @Test
    void lockingTablesInsideAnOpenTransactionIsRefusedInsteadOfCommittingIt() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO m2 VALUES (1)");
            }
            assertThatThrownBy(() -> locks.tables().write("m1").acquire(c))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("silently commit");
            c.rollback();
        }
        assertThat(server.queryInt("SELECT count(*) FROM m2 WHERE v = 1")).isZero();
    }

    @Test
    void touchingATableThatWasNotLockedNamesIt() {
        assertThatThrownBy(() -> locks.tables().write("m1").inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        return s.executeUpdate("INSERT INTO m2 VALUES (2)");
                    }
                }))
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("m2")
                .hasMessageContaining("read(...) or write(...)");
    }

    @Test
    void aKilledWaitIsReportedNotMistakenForATimeout() throws Exception {
        try (LockHandle blocker = DbLocks.create(dataSource).advisory("killed").acquire()) {
            CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    locks.advisory("killed").tryAcquire(Duration.ofSeconds(30));
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            Await.until(Duration.ofSeconds(10), "the waiter waits in GET_LOCK", () -> probe.waitingForNamedLock() == 1);
            long waiterId = server.queryInt("SELECT ID FROM information_schema.PROCESSLIST WHERE STATE = 'User lock'");
            server.execute("KILL QUERY " + waiterId);
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isInstanceOf(LockFailedException.class);
        }
        assertThat(locks.advisory("killed").isLocked()).isFalse();
    }

    @Test
    void keysOfEveryKindWorkTogether() {
        try (LockHandle h = locks.advisory(LockKey.of(1L), LockKey.of("n"), LockKey.of(2, 3))
                .timeout(Duration.ofSeconds(2))
                .acquire()) {
            assertThat(locks.advisory(2, 3).holderConnectionIds()).containsExactly(h.connectionId());
        }
    }
}
