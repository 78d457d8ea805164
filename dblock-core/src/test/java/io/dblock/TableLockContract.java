package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.spi.TableLocks;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.support.Probe;
import io.dblock.support.Server;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Table locks through the portable API (read/write, inTransaction): what every engine must do. */
@Needs(TableLocks.class)
abstract class TableLockContract implements DriverUnderTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    static final String WEIRD = "we\"ird`; drop";

    DbLocks locks;
    Server server;
    Probe probe;
    DataSource dataSource;

    @BeforeEach
    void setUp(TestDatabase db) {
        dataSource = dataSource(db);
        locks = DbLocks.create(dataSource);
        server = new Server(dataSource);
        probe = Probe.of(db);
        boolean pg = db.engine().equals("PostgreSQL");
        String weird = pg ? "\"" + WEIRD.replace("\"", "\"\"") + "\"" : "`" + WEIRD.replace("`", "``") + "`";
        for (String table : List.of("c1", "c2", "canary", weird)) {
            server.execute("CREATE TABLE IF NOT EXISTS " + table + " (v int)");
        }
        server.execute("DELETE FROM c2");
    }

    @Test
    void writeLockExcludesOtherTransactionsUntilTheWorkCommits() throws Exception {
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        TestThreads.TestThread<Void> holder = hold(locks.tables().write("c1"), locked, finish);
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(locks.tables().read("c1").tryInTransaction(Duration.ZERO, c -> "ran"))
                .isEmpty();
        assertThat(locks.tables().write("c1").tryInTransaction(Duration.ofMillis(100), c -> "ran"))
                .isEmpty();
        finish.countDown();
        holder.get(10, TimeUnit.SECONDS);
        assertThat(locks.tables().read("c1").tryInTransaction(Duration.ZERO, c -> "ran"))
                .contains("ran");
    }

    /**
     * A table lock that times out carries the server's error as its cause (issue 16.6): PostgreSQL's {@code 55P03}
     * (lock_timeout), MySQL's 1205 (lock_wait_timeout), MariaDB's 1969 under the statement limit dblock sets for a
     * timed wait; the message names the tables and the engine. The try forms still answer "not locked".
     */
    @Test
    void aTimedOutTableLockCarriesTheServersErrorAsItsCause(TestDatabase db) throws Exception {
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        TestThreads.TestThread<Void> holder = hold(locks.tables().write("c1"), locked, finish);
        try {
            assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> locks.tables()
                            .write("c1")
                            .timeout(Duration.ofMillis(200))
                            .inTransaction(c -> "ran"))
                    .isInstanceOfSatisfying(io.dblock.LockTimeoutException.class, e -> {
                        assertThat(e.getMessage()).contains("c1").contains(db.engine());
                        assertThat(e.getCause())
                                .as("the server's timeout error")
                                .isInstanceOfSatisfying(SQLException.class, cause -> assertThat(
                                                db.engine().equals("PostgreSQL")
                                                        ? cause.getSQLState()
                                                        : String.valueOf(cause.getErrorCode()))
                                        .isIn("55P03", "1205", "1969"));
                    });
            try (java.sql.Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> locks.tables()
                                .write("c1")
                                .timeout(Duration.ofMillis(200))
                                .acquire(c))
                        .isInstanceOf(io.dblock.LockTimeoutException.class)
                        .hasCauseInstanceOf(SQLException.class);
                assertThat(locks.tables().write("c1").tryAcquire(c, Duration.ofMillis(100)))
                        .isFalse();
                c.rollback();
            }
        } finally {
            finish.countDown();
            holder.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void readLocksShareButExcludeWriters() throws Exception {
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        TestThreads.TestThread<Void> reader = hold(locks.tables().read("c1"), locked, finish);
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(locks.tables().read("c1").tryInTransaction(Duration.ofSeconds(5), c -> "second reader"))
                .isPresent();
        assertThat(locks.tables().write("c1").tryInTransaction(Duration.ZERO, c -> "writer"))
                .isEmpty();
        finish.countDown();
        reader.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWaiterWaitsOnTheServerAndProceedsWhenReleased() throws Exception {
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        TestThreads.TestThread<Void> holder = hold(locks.tables().write("c1"), locked, finish);
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        TestThreads.TestThread<Optional<String>> waiter = threads.start(
                "waiter", () -> locks.tables().write("c1").tryInTransaction(Duration.ofSeconds(30), c -> "got it"));
        Await.until(Duration.ofSeconds(10), "the waiter shows on the server", () -> probe.waitingForTable() == 1);
        finish.countDown();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).contains("got it");
        holder.get(10, TimeUnit.SECONDS);
    }

    /** Holds {@code lock} in a transaction on another thread: counts down {@code locked}, waits for {@code finish}. */
    private TestThreads.TestThread<Void> hold(TableLock lock, CountDownLatch locked, CountDownLatch finish) {
        return threads.start("holder", () -> {
            try {
                lock.inTransaction(c -> {
                    locked.countDown();
                    return finish.await(30, TimeUnit.SECONDS);
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void workIsCommittedOrRolledBack() throws Exception {
        locks.tables().write("c2").inTransaction(c -> insert(c, 1));
        assertThatThrownBy(() -> locks.tables().write("c2").inTransaction(c -> {
                    insert(c, 2);
                    throw new java.io.IOException("boom");
                }))
                .isInstanceOf(java.io.IOException.class);
        assertThat(server.queryInt("SELECT count(*) FROM c2")).isEqualTo(1);
    }

    private static int insert(Connection c, int v) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate("INSERT INTO c2 VALUES (" + v + ")");
        }
    }

    @Test
    void injectionShapedTableNameIsQuotedAndHarmsNothing() {
        String result = locks.tables().write(WEIRD).inTransaction(c -> "locked");
        assertThat(result).isEqualTo("locked");
        assertThat(server.queryInt("SELECT count(*) FROM canary")).isZero();
    }

    @Test
    void unknownTableIsAUsageError() {
        assertThatThrownBy(() -> locks.tables().write("no_such_table").inTransaction(c -> "x"))
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void acquireOutsideATransactionIsAUsageError() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            assertThatThrownBy(() -> locks.tables("c1").acquire(c))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("setAutoCommit(false)");
        }
    }

    @Test
    void acquireInTheCallersTransactionAndReleaseAfterCommit() throws SQLException {
        TableLock lock = locks.tables().write("c2");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            lock.acquire(c);
            insert(c, 7);
            assertThat(locks.tables().write("c2").tryInTransaction(Duration.ZERO, x -> "other"))
                    .isEmpty();
            c.commit();
            lock.release(c);
            assertThat(locks.tables().write("c2").tryInTransaction(Duration.ZERO, x -> "other"))
                    .contains("other");
            c.setAutoCommit(true);
        }
    }

    @Test
    void oppositeOrdersNeverDeadlockBecauseTablesAreSorted() throws Exception {
        List<TestThreads.TestThread<Void>> runs = List.of(
                threads.start("c1-then-c2", () -> lockRepeatedly("c1", "c2")),
                threads.start("c2-then-c1", () -> lockRepeatedly("c2", "c1")));
        TestThreads.getAll(Duration.ofSeconds(60), runs);
    }

    private void lockRepeatedly(String first, String second) {
        for (int i = 0; i < 20; i++) {
            locks.tables().write(first, second).inTransaction(c -> null);
        }
    }
}
