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
import io.dblock.spi.LockNameListing;
import io.dblock.spi.TableLocks;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.support.OneConnection;
import io.dblock.support.Probe;
import io.dblock.support.Server;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What only MySQL and MariaDB do: GET_LOCK names, what they lack, LOCK TABLES rules. */
@Needs(
        value = {TableLocks.class, LockNameListing.class},
        engine = MySqlEngine.class)
public abstract class MySqlFamilyContract implements DriverUnderTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    DbLocks locks;
    Server server;
    Probe probe;
    DataSource dataSource;
    TestDatabase db;

    @BeforeEach
    void setUp(TestDatabase db) {
        dataSource = dataSource(db);
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

    /**
     * A replica: read-only with replication configured (here towards a source that does not exist, never started,
     * on this real server): its named locks exclude nothing on the primary, so a session lock there is refused. A
     * read-only server without replication is a primary in read-only mode, and locks there are allowed. The server's
     * settings are put back whatever happens.
     */
    @Test
    void aSessionLockOnAReplicaIsRefusedButAReadOnlyPrimaryIsNotMistakenForOne() {
        boolean mariaDb = db.engine().equals("MariaDB");
        try {
            server.execute("SET GLOBAL read_only = 1");
            DbLocks readOnlyPrimary = DbLocks.create(dataSource);
            readOnlyPrimary.advisory("read-only-primary").acquire().release();
            readOnlyPrimary.close();

            server.execute(
                    mariaDb
                            ? "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = 1, MASTER_USER = 'nobody'"
                            : "CHANGE REPLICATION SOURCE TO SOURCE_HOST = '127.0.0.1', SOURCE_PORT = 1, SOURCE_USER = 'nobody'");
            DbLocks onReplica = DbLocks.create(dataSource);
            assertThatThrownBy(() -> onReplica.advisory("replica").acquire())
                    .isInstanceOf(io.dblock.LockUsageException.class)
                    .hasMessageContaining("read-only, with replication configured")
                    .hasMessageContaining("replication://");
            assertThat(server.queryInt("SELECT IS_USED_LOCK(CONCAT(DATABASE(), '.replica')) IS NULL"))
                    .as("nothing left locked")
                    .isEqualTo(1);
            onReplica.close();
            DbLocks allowed = DbLocks.builder(dataSource)
                    .failover(io.dblock.Failover.defaults().allowingStandby())
                    .build();
            allowed.advisory("replica").acquire().release();
            allowed.close();
        } finally {
            server.execute(mariaDb ? "RESET SLAVE ALL" : "RESET REPLICA ALL");
            server.execute("SET GLOBAL read_only = 0");
        }
    }

    @Test
    void aTransactionPoolerSettingIsRefusedForNamedLocksAndChangesNothing() {
        DbLocks behind =
                DbLocks.builder(dataSource).pooler(io.dblock.Pooler.TRANSACTION).build();
        assertThatThrownBy(() -> behind.advisory("pooled").acquire())
                .isInstanceOf(UnsupportedLockException.class)
                .hasMessageContaining("Pooler.TRANSACTION")
                .hasMessageContaining("Pooler.SESSION");
        assertThat(server.queryInt("SELECT IS_USED_LOCK(CONCAT(DATABASE(), '.pooled')) IS NULL"))
                .as("nothing locked")
                .isEqualTo(1);
        assertThat(behind.inspector().pooler()).isEqualTo(io.dblock.Pooler.TRANSACTION);
        behind.close();

        assertThat(locks.inspector().pooler()).as("before the first lock").isEqualTo(io.dblock.Pooler.AUTO);
        locks.advisory("direct").acquire().release();
        assertThat(locks.inspector().pooler())
                .as("the handshake's thread id is CONNECTION_ID() on a direct connection")
                .isEqualTo(io.dblock.Pooler.NONE);
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
            TestThreads.TestThread<Throwable> waiter = threads.start("waiter", () -> {
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

    /**
     * Counted by the server, so that driver calls dblock makes besides its own statements (the database name for the
     * lock-name prefix, auto-commit state) are caught too: {@code Questions} of the session, minus the {@code SHOW}
     * that reads it.
     */
    @Test
    void uncontendedAcquireAndReleaseAreOneStatementEachOnTheServer() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            DbLocks onOne = DbLocks.create(OneConnection.of(c));
            onOne.advisory("warm-up").acquire().close(); // engine detection happens once, on first use
            long showCosts = questions(c) - questions(c);
            assertThat(showCosts).isEqualTo(-1);
            for (LockKey key : new LockKey[] {LockKey.of("rt"), LockKey.of(5L), LockKey.of(6, 7)}) {
                long before = questions(c);
                LockHandle h =
                        onOne.advisory(key).timeout(Duration.ofSeconds(1)).acquire();
                long acquired = questions(c);
                h.release();
                long released = questions(c);
                assertThat(acquired - before - 1)
                        .as("statements to acquire " + key)
                        .isEqualTo(1);
                assertThat(released - acquired - 1)
                        .as("statements to release " + key)
                        .isEqualTo(1);
            }
        }
    }

    private static long questions(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Questions'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    /**
     * MariaDB compares user-lock names case-sensitively (as PostgreSQL's hashed keys differ); MySQL 8 folds case. The
     * hashed form of a long name hashes it exactly as given, so on MariaDB long names keep the rule short names follow.
     */
    @Test
    void namesDifferingOnlyInCaseFollowTheServersRule() {
        String longName = "x".repeat(40) + "-Batch-" + "x".repeat(40); // the case differs past the kept 31
        try (LockHandle upper = locks.advisory("Invoice").acquire();
                LockHandle upperLong = locks.advisory(longName).acquire()) {
            boolean foldsCase = db.engine().equals("MySQL");
            DbLocks otherNode = DbLocks.create(dataSource);
            assertThat(otherNode.advisory("invoice").tryAcquire().map(h -> {
                        h.close();
                        return "granted";
                    }))
                    .as("a second node takes \"invoice\" while \"Invoice\" is held")
                    .isEqualTo(foldsCase ? java.util.Optional.empty() : java.util.Optional.of("granted"));
            String lowerLong = longName.toLowerCase(java.util.Locale.ROOT);
            assertThat(otherNode.advisory(lowerLong).tryAcquire().map(h -> {
                        h.close();
                        return "granted";
                    }))
                    .as("the same for a long (hashed) name")
                    .isEqualTo(foldsCase ? java.util.Optional.empty() : java.util.Optional.of("granted"));
        }
    }

    @Test
    void listingWithoutPerformanceSchemaOrPluginSaysHowToEnableEither() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                db instanceof io.dblock.testing.EmbeddedMariaDb,
                "switches a server-wide instrument off for a moment: embedded servers only");
        String instrument = "UPDATE performance_schema.setup_instruments SET ENABLED = '%s'"
                + " WHERE NAME = 'wait/lock/metadata/sql/mdl'";
        server.execute(instrument.formatted("NO"));
        try {
            assertThatThrownBy(() -> locks.namesHeldWithPrefix("x"))
                    .isInstanceOf(UnsupportedLockException.class)
                    .hasMessageContaining("--performance-schema=ON")
                    .hasMessageContaining("wait/lock/metadata/sql/mdl")
                    .hasMessageContaining("metadata_lock_info");
        } finally {
            server.execute(instrument.formatted("YES"));
        }
        assertThat(locks.namesHeldWithPrefix("x")).isEmpty();
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
