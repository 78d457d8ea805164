package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.support.Server;
import io.dblock.testing.Await;
import io.dblock.testing.PostgresTest;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@PostgresTest
class TableLockTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    static final String WEIRD = "we\"ird; drop";

    DbLocks locks;
    Server server;
    DataSource dataSource;

    @BeforeEach
    void setUp(DataSource dataSource) {
        this.dataSource = dataSource;
        locks = DbLocks.create(dataSource);
        server = new Server(dataSource);
        server.execute(
                "CREATE TABLE IF NOT EXISTS t1 (v int); CREATE TABLE IF NOT EXISTS t2 (v int);"
                        + " CREATE SCHEMA IF NOT EXISTS \"Sales\"; CREATE TABLE IF NOT EXISTS \"Sales\".\"Orders\" (v int);"
                        + " CREATE TABLE IF NOT EXISTS \"we\"\"ird; drop\" (v int); CREATE TABLE IF NOT EXISTS drop_canary (v int)");
    }

    private Connection transaction() throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        return c;
    }

    @Test
    void defaultModeIsAccessExclusive() throws SQLException {
        try (Connection c = transaction()) {
            TableLock lock = locks.tables("t1");
            assertThat(lock.requests())
                    .containsExactly(new TableLockRequest(TableName.of("t1"), TableLockMode.ACCESS_EXCLUSIVE));
            lock.acquire(c);
            assertThat(server.tableModes(Server.pid(c), "public", "t1")).containsExactly("AccessExclusiveLock");
            c.rollback();
        }
    }

    @Test
    void outsideATransactionIsAUsageErrorWithAnExplanation() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            assertThatThrownBy(() -> locks.tables("t1").acquire(c))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("setAutoCommit(false)")
                    .hasMessageContaining("inTransaction");
        }
    }

    @Test
    void locksSeveralSchemaQualifiedTablesInCanonicalOrder() throws SQLException {
        TableLock lock = locks.tables(TableName.of("Sales", "Orders"))
                .table(TableName.of("public", "t2"), TableLockMode.SHARE)
                .table(TableName.of("public", "t1"), TableLockMode.SHARE);
        assertThat(lock.requests())
                .extracting(TableLockRequest::table)
                .containsExactly(
                        TableName.of("Sales", "Orders"), TableName.of("public", "t1"), TableName.of("public", "t2"));
        try (Connection c = transaction()) {
            lock.acquire(c);
            long pid = Server.pid(c);
            assertThat(server.tableModes(pid, "Sales", "Orders")).containsExactly("AccessExclusiveLock");
            assertThat(server.tableModes(pid, "public", "t1")).containsExactly("ShareLock");
            assertThat(server.tableModes(pid, "public", "t2")).containsExactly("ShareLock");
            c.rollback();
        }
    }

    @Test
    void injectionShapedTableNameIsQuotedAndHarmsNothing() throws SQLException {
        try (Connection c = transaction()) {
            locks.tables(WEIRD).mode(TableLockMode.EXCLUSIVE).acquire(c);
            assertThat(server.tableModes(Server.pid(c), "public", WEIRD)).containsExactly("ExclusiveLock");
            c.commit();
        }
        assertThat(server.queryInt("SELECT count(*) FROM pg_class WHERE relname = 'drop_canary'"))
                .isEqualTo(1);
    }

    @Test
    void unknownTableIsAUsageErrorAndTheTransactionStaysUsable() throws SQLException {
        try (Connection c = transaction()) {
            assertThatThrownBy(() -> locks.tables("no_such_table").acquire(c))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("does not exist")
                    .hasMessageContaining("case-sensitive");
            assertThatThrownBy(() -> locks.tables("T1").acquire(c)).isInstanceOf(LockUsageException.class);
            assertThat(Server.pid(c)).isPositive();
            c.rollback();
        }
    }

    @Test
    void tooLongIdentifierIsRejectedBeforeAnySql() {
        assertThatThrownBy(() -> locks.tables("x".repeat(64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("63 bytes");
    }

    @Test
    void timeoutLeavesTheTransactionUsableAndItsLockTimeoutUnchanged() throws SQLException {
        try (Connection holder = transaction();
                Connection c = transaction()) {
            locks.tables("t1").acquire(holder);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '9s'");
                s.execute("INSERT INTO t2 VALUES (1)");
            }
            assertThat(locks.tables("t1").tryAcquire(c, Duration.ofMillis(50))).isFalse();
            assertThat(locks.tables("t1").tryAcquire(c)).isFalse();
            assertThatThrownBy(() ->
                            locks.tables("t1").timeout(Duration.ofMillis(30)).acquire(c))
                    .isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("t1");
            assertThat(Server.show(c, "lock_timeout")).isEqualTo("9s");
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO t2 VALUES (2)");
            }
            holder.rollback();
            assertThat(locks.tables("t1").tryAcquire(c, Duration.ofSeconds(5))).isTrue();
            assertThat(Server.show(c, "lock_timeout")).isEqualTo("9s");
            c.rollback();
        }
    }

    @Test
    void waitsOnTheServerThenProceeds() throws Exception {
        try (Connection holder = transaction()) {
            locks.tables("t1").acquire(holder);
            TestThreads.TestThread<Boolean> waiter = threads.start("waiter", () -> {
                try (Connection c = transaction()) {
                    boolean got = locks.tables("t1").tryAcquire(c, Duration.ofSeconds(30));
                    c.rollback();
                    return got;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until(
                    Duration.ofSeconds(10),
                    "the waiter shows in pg_stat_activity",
                    () -> server.waiting("relation") == 1);
            holder.rollback();
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void oppositeOrdersNeverDeadlockBecauseTablesAreSorted() throws Exception {
        List<TestThreads.TestThread<Void>> runs = List.of(
                threads.start("t1-then-t2", () -> lockRepeatedly("t1", "t2")),
                threads.start("t2-then-t1", () -> lockRepeatedly("t2", "t1")));
        TestThreads.getAll(Duration.ofSeconds(60), runs);
    }

    private void lockRepeatedly(String first, String second) {
        for (int i = 0; i < 30; i++) {
            locks.tables(first, second).mode(TableLockMode.SHARE_ROW_EXCLUSIVE).inTransaction(c -> null);
        }
    }

    @Test
    void portableFormMapsReadToShareAndWriteToAccessExclusive() {
        List<String> modes = locks.tables().read("t1").write("t2").inTransaction(c -> {
            long pid = Server.pid(c);
            return List.of(
                    server.tableModes(pid, "public", "t1").get(0),
                    server.tableModes(pid, "public", "t2").get(0));
        });
        assertThat(modes).containsExactly("ShareLock", "AccessExclusiveLock");
    }

    @Test
    void inTransactionCommitsTheWorkAndRollsBackOnError() throws Exception {
        server.execute("TRUNCATE t2");
        locks.tables().write("t2").inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("INSERT INTO t2 VALUES (1)");
            }
        });
        assertThatThrownBy(() -> locks.tables().write("t2").inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO t2 VALUES (2)");
                    }
                    throw new java.io.IOException("boom");
                }))
                .isInstanceOf(java.io.IOException.class);
        assertThat(server.queryInt("SELECT count(*) FROM t2")).isEqualTo(1);
    }

    @Test
    void tryInTransactionSkipsTheWorkWhenTablesAreBusy() throws SQLException {
        AtomicBoolean ran = new AtomicBoolean();
        try (Connection holder = transaction()) {
            locks.tables("t1").acquire(holder);
            Optional<String> result = locks.tables().read("t1").tryInTransaction(Duration.ofMillis(50), c -> {
                ran.set(true);
                return "ran";
            });
            assertThat(result).isEmpty();
            assertThatThrownBy(() ->
                            locks.tables().read("t1").timeout(Duration.ZERO).inTransaction(c -> "x"))
                    .isInstanceOf(LockTimeoutException.class);
            holder.rollback();
        }
        assertThat(ran).isFalse();
        assertThat(locks.tables().read("t1").tryInTransaction(Duration.ZERO, c -> "ran"))
                .contains("ran");
    }

    @Test
    void emptyTableListIsAUsageError() throws SQLException {
        try (Connection c = transaction()) {
            assertThatThrownBy(() -> locks.tables().acquire(c)).isInstanceOf(LockUsageException.class);
        }
    }
}
