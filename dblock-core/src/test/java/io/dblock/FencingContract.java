package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.spi.Fencing;
import io.dblock.support.CountingDataSource;
import io.dblock.support.Needs;
import io.dblock.support.Probe;
import io.dblock.support.Server;
import io.dblock.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fencing tokens: strictly increasing per key across nodes and holders, persisted in the database, shared by re-entrant
 * holds, refused where they cannot be right, and enough for a resource to reject a holder that lost its lock.
 */
@Needs(Fencing.class)
abstract class FencingContract {

    DataSource dataSource;
    TestDatabase db;
    Server server;
    DbLocks locks;
    /** Unique per test, so tests never share a token sequence. */
    String key;

    @BeforeEach
    void setUp(DataSource dataSource, TestDatabase db) {
        this.dataSource = dataSource;
        this.db = db;
        server = new Server(dataSource);
        locks = DbLocks.create(dataSource);
        locks.createFencingTable();
        key = "fenced-" + UUID.randomUUID();
    }

    @AfterEach
    void dropResource() {
        server.execute("DROP TABLE IF EXISTS fenced_resource");
    }

    boolean postgres() {
        return db.engine().equals("PostgreSQL");
    }

    @Test
    void theFirstTokenIsOneAndEachAcquisitionCountsUp() {
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (LockHandle h = locks.advisory(key).fenced().acquire()) {
                tokens.add(h.fencingToken().orElseThrow());
            }
        }
        assertThat(tokens).containsExactly(1L, 2L, 3L);
        try (LockHandle other = locks.advisory(key + "-other").fenced().acquire()) {
            assertThat(other.fencingToken()).as("each key has its own sequence").hasValue(1L);
        }
    }

    @Test
    void tokensIncreaseStrictlyAcrossNodesAndThreadsInTheOrderTheLockWasHeld() throws Exception {
        int nodes = 3;
        int threadsPerNode = 3;
        int rounds = 15;
        List<Long> inHoldOrder = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(nodes * threadsPerNode);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                DbLocks node = DbLocks.create(dataSource); // each node its own DbLocks, as on separate machines
                for (int t = 0; t < threadsPerNode; t++) {
                    work.add(pool.submit(() -> {
                        start.await();
                        for (int r = 0; r < rounds; r++) {
                            try (LockHandle h = node.advisory(key).fenced().acquire()) {
                                inHoldOrder.add(h.fencingToken().orElseThrow()); // appended while holding the lock
                            }
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = nodes * threadsPerNode * rounds;
        assertThat(inHoldOrder).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(inHoldOrder.get(i))
                    .as("hold %d of %d: one more than the previous holder's token", i + 1, total)
                    .isEqualTo(i + 1L);
        }
    }

    @Test
    void aReentrantHoldSharesTheTokenAndRunsNoSql() {
        CountingDataSource counting = new CountingDataSource(dataSource);
        DbLocks counted = DbLocks.create(counting.dataSource());
        try (LockHandle outer = counted.advisory(key).fenced().acquire()) {
            int before = counting.executions();
            try (LockHandle inner = counted.advisory(key).fenced().acquire()) {
                assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken()).hasValue(1L);
            }
            assertThat(counting.executions() - before)
                    .as("re-entering and leaving the inner hold")
                    .isZero();
        }
        try (LockHandle next = counted.advisory(key).fenced().acquire()) {
            assertThat(next.fencingToken()).as("a new hold gets a new token").hasValue(2L);
        }
    }

    @Test
    void aFencedAcquisitionCostsOneMoreStatementThanAPlainOne() {
        CountingDataSource counting = new CountingDataSource(dataSource);
        DbLocks counted = DbLocks.builder(counting.dataSource())
                .pooler(Pooler.NONE)
                .failover(Failover.defaults().withGrace(Duration.ZERO).allowingStandby()) // no per-connection check
                .build();
        int plain = counting.count(() -> counted.advisory(key).acquire().release());
        int fenced =
                counting.count(() -> counted.advisory(key).fenced().acquire().release());
        int extra = postgres() ? 1 : 2; // MySQL/MariaDB: the upsert, then SELECT LAST_INSERT_ID()
        assertThat(fenced).isEqualTo(plain + extra);
    }

    @Test
    void plainAcquisitionsHaveNoTokenAndTakeNone() {
        try (LockHandle h = locks.advisory(key).acquire()) {
            assertThat(h.fencingToken()).isEmpty();
        }
        try (LockHandle h = locks.advisory(key).fenced().acquire()) {
            assertThat(h.fencingToken()).as("the plain hold did not count").hasValue(1L);
        }
        try (LockHandle outer = locks.advisory(key).acquire();
                LockHandle inner = locks.advisory(key).fenced().acquire()) {
            assertThat(outer.fencingToken()).isEmpty();
            assertThat(inner.fencingToken())
                    .as("fencing inside a plain hold counts once")
                    .hasValue(2L);
        }
    }

    /**
     * The pattern the tokens exist for: a resource that remembers the highest token it has accepted rejects a write
     * from a holder whose lock was lost (here: its session terminated) once a newer holder has written.
     */
    @Test
    void aResourceRejectsTheWriteOfAHolderThatLostItsLock() throws Exception {
        server.execute("CREATE TABLE fenced_resource (id int PRIMARY KEY, content varchar(40), token bigint)");
        server.execute("INSERT INTO fenced_resource VALUES (1, 'initial', 0)");
        Probe probe = Probe.of(db);
        LockHandle stale = locks.advisory(key).fenced().acquire();
        long staleToken = stale.fencingToken().orElseThrow();
        probe.terminate(stale.connectionId()); // e.g. a GC pause outlived the session, and the server dropped the lock
        DbLocks otherNode = DbLocks.create(dataSource);
        io.dblock.testing.Await.until(
                Duration.ofSeconds(10),
                "the terminated holder's lock to be free",
                () -> !otherNode.advisory(key).isLocked());
        try (LockHandle fresh = otherNode.advisory(key).fenced().acquire()) {
            long freshToken = fresh.fencingToken().orElseThrow();
            assertThat(freshToken).isGreaterThan(staleToken);
            assertThat(write("by the new holder", freshToken)).as("accepted").isEqualTo(1);
        }
        assertThat(write("by the stale holder", staleToken))
                .as("rejected: its token is older")
                .isZero();
        assertThat(server.queryString("SELECT content FROM fenced_resource WHERE id = 1"))
                .isEqualTo("by the new holder");
        assertThatThrownBy(stale::close)
                .as("the unlock meets the ended session")
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining(key)
                .hasCauseInstanceOf(SQLException.class);
    }

    /**
     * Once dblock knows a hold is lost (here {@code confirmHeld()} after the session was terminated), its token is
     * refused: a write started after that cannot carry it. The release is then quiet, the loss being known, and
     * the token stays refused.
     */
    @Test
    void theTokenOfAHoldKnownLostIsRefused() {
        Probe probe = Probe.of(db);
        LockHandle stale = locks.advisory(key).fenced().acquire();
        long token = stale.fencingToken().orElseThrow();
        probe.terminate(stale.connectionId());
        assertThat(stale.confirmHeld()).isFalse();
        assertThatThrownBy(stale::fencingToken)
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("fencing token " + token + " must not be used");
        stale.release();
        assertThatThrownBy(stale::fencingToken).as("also after release").isInstanceOf(LockLostException.class);
    }

    /** The resource's side of the pattern: accept a write only with a token at least as new as the last one. */
    private int write(String content, long token) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE fenced_resource SET content = ?, token = ? WHERE id = 1 AND token <= ?")) {
            ps.setString(1, content);
            ps.setLong(2, token);
            ps.setLong(3, token);
            return ps.executeUpdate();
        }
    }

    @Test
    void aMissingTableIsAUsageErrorThatNamesTheDdlAndLeavesNothingLocked() {
        DbLocks withoutTable =
                DbLocks.builder(dataSource).fencingTable("dblock_no_such_table").build();
        assertThatThrownBy(() -> withoutTable.advisory(key).fenced().acquire())
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("the fencing-token table dblock_no_such_table does not exist")
                .hasMessageContaining("DbLocks.createFencingTable()")
                .hasMessageContaining("CREATE TABLE IF NOT EXISTS");
        assertThat(withoutTable.advisory(key).isLocked())
                .as("the lock granted before the failed increment was given back")
                .isFalse();
        try (LockHandle h = withoutTable.advisory(key).tryAcquire().orElseThrow()) {
            assertThat(h.isHeld()).as("the thread's connection is usable again").isTrue();
        }
    }

    @Test
    void fencingIsRefusedWhereATokenCouldNotOrderHolders() {
        assertThatThrownBy(
                        () -> locks.advisory(LockKey.of("a"), LockKey.of("b")).fenced())
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("counted per key");
        if (postgres()) {
            assertThatThrownBy(() -> locks.advisory(key).shared().fenced())
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("need an exclusive lock");
            assertThatThrownBy(() -> locks.advisory(key).fenced().shared())
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("cannot be shared");
        }
        assertThatThrownBy(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        c.setAutoCommit(false);
                        try {
                            locks.advisory(key).fenced().acquireForTransaction(c);
                        } finally {
                            c.rollback();
                        }
                    }
                })
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("need a session lock");
        assertThat(locks.advisory(key).isLocked()).isFalse();
    }

    @Test
    void creatingTheTableTwiceIsHarmlessAndTheDdlIsTheEnginesOwn() {
        locks.createFencingTable();
        assertThat(locks.fencingTableDdl())
                .startsWith("CREATE TABLE IF NOT EXISTS")
                .contains("dblock_fencing_token", "lock_key", "token bigint NOT NULL");
    }

    @Test
    void aHostileTableNameIsQuotedNotExecuted() {
        String hostile = "fence\"`; DROP TABLE dblock_fencing_token; --";
        DbLocks odd = DbLocks.builder(dataSource).fencingTable(hostile).build();
        try {
            odd.createFencingTable();
            try (LockHandle h = odd.advisory(key).fenced().acquire()) {
                assertThat(h.fencingToken()).hasValue(1L);
            }
            try (LockHandle h = locks.advisory(key).fenced().acquire()) {
                assertThat(h.fencingToken())
                        .as("the default table survived and has its own count")
                        .hasValue(1L);
            }
        } finally {
            String quoted =
                    postgres() ? '"' + hostile.replace("\"", "\"\"") + '"' : '`' + hostile.replace("`", "``") + '`';
            server.execute("DROP TABLE IF EXISTS " + quoted);
        }
    }

    /**
     * A crash (kill -9 of one backend: the postmaster then ends every backend and recovers from the WAL) right after a
     * token was handed out, on a server with {@code synchronous_commit = off} (the embedded one): the token survives,
     * and the next token is greater.
     */
    @Test
    void aTokenHandedOutJustBeforeACrashIsNeverHandedOutAgain() throws Exception {
        assumeCrashable();
        tokensAcrossACrash(locks);
    }

    /** The same with a table created just before: the table survives the crash too. */
    @Test
    void aFencingTableCreatedJustBeforeACrashSurvivesIt() throws Exception {
        assumeCrashable();
        String table = "fencing_crash_" + UUID.randomUUID().toString().replace("-", "");
        DbLocks fresh = DbLocks.builder(dataSource).fencingTable(table).build();
        try {
            fresh.createFencingTable();
            tokensAcrossACrash(fresh);
        } finally {
            server.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    private void assumeCrashable() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                postgres() && io.dblock.support.ServerRestart.supported(db),
                "kill -9 of one backend crash-restarts the embedded PostgreSQL; on MySQL/MariaDB it would end the"
                        + " whole server, and durability is the global innodb_flush_log_at_trx_commit (documented)");
        assertThat(server.queryString("SHOW synchronous_commit"))
                .as("the server defers its commits")
                .isEqualTo("off");
    }

    private void tokensAcrossACrash(DbLocks fencing) throws Exception {
        long before;
        try (LockHandle h = fencing.advisory(key).fenced().acquire()) {
            before = h.fencingToken().orElseThrow();
        }
        // A witness session opened before the crash: the postmaster ends it when it starts the crash reset, so once
        // it is gone a connection that works is one made after recovery (a probe alone can slip in before the
        // postmaster has noticed the killed backend, and the next connection then meets 57P03, "starting up").
        Connection witness = dataSource.getConnection();
        try {
            try (Connection spare = dataSource.getConnection()) {
                long pid = Server.pid(spare);
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly))
                        .as("SIGKILL sent to backend %d", pid)
                        .contains(true);
            }
            io.dblock.testing.Await.until(
                    Duration.ofSeconds(60), "the postmaster ends every session for its crash reset", () -> {
                        try (java.sql.Statement st = witness.createStatement()) {
                            st.execute("SELECT 1");
                            return false;
                        } catch (SQLException e) {
                            return true;
                        }
                    });
        } finally {
            try {
                witness.close();
            } catch (SQLException closing) {
                // the witness session has ended; closing its socket may fail
            }
        }
        io.dblock.testing.Await.until(
                Duration.ofSeconds(60), "the server accepts connections after crash recovery", () -> {
                    try (Connection c = dataSource.getConnection();
                            java.sql.Statement st = c.createStatement()) {
                        st.execute("SELECT 1");
                        return true;
                    } catch (SQLException e) {
                        return false;
                    }
                });
        try (LockHandle h = fencing.advisory(key).fenced().acquire()) {
            long after = h.fencingToken().orElseThrow();
            System.out.println("fencing tokens across a crash: " + before + ", crash, " + after);
            assertThat(after)
                    .as("the token after the crash (the one before was %d)", before)
                    .isGreaterThan(before);
        }
    }

    /**
     * MySQL/MariaDB: on a server configured like production ({@code innodb_flush_log_at_trx_commit = 1}), a token
     * survives a crash of the whole server (kill -9 of mariadbd, then a start with crash recovery). No client setting
     * can give this with 0 or 2 (dblock warns then): the embedded server runs with 0 and is switched for this test.
     */
    @Test
    void aTokenSurvivesAServerCrashWhenTheServerFlushesEachCommit() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                !postgres() && io.dblock.support.ServerRestart.supported(db),
                "kills and restarts the embedded MariaDB (PostgreSQL: see aTokenHandedOutJustBeforeACrash...)");
        server.execute("SET GLOBAL innodb_flush_log_at_trx_commit = 1");
        long before;
        try (LockHandle h = locks.advisory(key).fenced().acquire()) {
            before = h.fencingToken().orElseThrow();
        }
        long pid = Long.parseLong(
                java.nio.file.Files.readString(java.nio.file.Path.of(server.queryString("SELECT @@pid_file")))
                        .trim());
        ProcessHandle mariadbd = ProcessHandle.of(pid).orElseThrow();
        assertThat(mariadbd.destroyForcibly())
                .as("SIGKILL sent to mariadbd %d", pid)
                .isTrue();
        mariadbd.onExit().get(30, TimeUnit.SECONDS);
        io.dblock.support.ServerRestart.restart(db); // crash recovery; the command line sets the flush back to 0
        try (LockHandle h = locks.advisory(key).fenced().acquire()) {
            long after = h.fencingToken().orElseThrow();
            System.out.println(
                    "MariaDB fencing tokens across a server crash (flush at commit): " + before + ", crash, " + after);
            assertThat(after).isGreaterThan(before);
        }
    }
}
