package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.spi.Inspection;
import io.dblock.spi.LockTimeouts;
import io.dblock.spi.TableLocks;
import io.dblock.support.CountingDataSource;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Holder;
import io.dblock.support.Needs;
import io.dblock.support.Server;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and malformed input through every public entry point of dblock-core, one row of {@link BadInputRows} per
 * test: each row names the call, the exception it must get (type and message fragment, and whether that happens
 * before any SQL runs), or, for inputs that are just unusual names, that the lock works and touches nothing else.
 *
 * <p>After every row: a bystander lock held by another session is still held by it, the canary tables still exist with
 * their row, no pooled connection is left borrowed or pinned, and (the kit's leak check) no session holds a lock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Needs({TableLocks.class, Inspection.class, LockTimeouts.class})
abstract class BadInputContract implements DriverUnderTest {

    static final String CANARY = "bad_input_canary";
    /** Legitimate, unusual table names that must lock like any other (created by the fixture). */
    static final List<String> ODD_TABLES = List.of("odd \"name\" it's", "odd`tick`;--", "ünï_cödé_表");

    static final String BYSTANDER = "bad-input-bystander";

    TestDatabase db;
    boolean postgres;
    /** The pool under test: {@link #classPool}, or a row's own. */
    HikariDataSource pool;

    private HikariDataSource classPool;
    CountingDataSource counting;
    /** The DbLocks under test: over a small pool, counting every statement it runs. */
    DbLocks locks;
    /** Another node: shares nothing in memory with {@link #locks}. */
    DbLocks otherNode;

    Server server;
    private HikariDataSource otherPool;
    private final List<Connection> opened = new ArrayList<>();
    /** Holds a lock on another session for the whole row: nothing a row does may take it away. */
    private Holder bystander;

    private long bystanderId;
    private BadInputRows.Row row;

    /** Once per class: the other node's pool and the canary tables (connections are what rows cost most). */
    @BeforeAll
    void prepare(TestDatabase db) {
        this.db = db;
        postgres = db.engine().equals("PostgreSQL");
        otherPool = pool(db, 3);
        classPool = pool(db, 4);
        otherNode = DbLocks.builder(otherPool).watchdog(Duration.ZERO).build();
        server = new Server(otherPool);
        server.execute("CREATE TABLE IF NOT EXISTS " + CANARY + " (v int)");
        server.execute("DELETE FROM " + CANARY);
        server.execute("INSERT INTO " + CANARY + " VALUES (1)");
        for (String table : ODD_TABLES) {
            server.execute("CREATE TABLE IF NOT EXISTS " + quote(table) + " (v int)");
        }
    }

    @AfterAll
    void closePools() {
        otherPool.close();
        classPool.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        use(classPool);
        bystander = Holder.start(() -> Optional.of(otherNode.advisory(BYSTANDER).acquire()));
        bystanderId = bystander.acquired().get(10, TimeUnit.SECONDS);
    }

    /** A fresh DbLocks under test (fresh in-memory state) over {@code pool}, counting its statements. */
    private void use(HikariDataSource pool) {
        this.pool = pool;
        counting = new CountingDataSource(pool);
        locks = DbLocks.builder(counting.dataSource()).watchdog(Duration.ZERO).build();
    }

    private HikariDataSource pool(TestDatabase db, int size) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(2_000);
        return new HikariDataSource(config);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.dblock.BadInputRows#rows")
    void row(BadInputRows.Row row) throws Exception {
        this.row = row;
        BadInputRows.Expect expect = postgres ? row.onPostgres() : row.onMysql();
        int before = counting.executions();
        if (expect.succeeds()) {
            row.action().run(this);
            return;
        }
        assertThatThrownBy(() -> row.action().run(this))
                .isInstanceOf(expect.type())
                .hasMessageContaining(expect.fragment());
        if (expect.beforeSql()) {
            assertThat(counting.executions() - before)
                    .as("statements run before refusing")
                    .isZero();
        }
    }

    /**
     * A wait longer than the engine can set is refused before anything happens: no statement, no pooled connection
     * pinned to the thread, no in-memory claim that makes other threads queue for the key.
     */
    @Test
    void aWaitTooLongForTheEngineIsRefusedAndLeavesTheKeyFreeForOtherThreads() throws Exception {
        int before = counting.executions();
        Duration tooLong = db.engine().equals("PostgreSQL")
                ? Duration.ofMillis(Integer.MAX_VALUE + 1L)
                : Duration.ofSeconds(31_536_001);
        assertThatThrownBy(() -> locks.advisory("bad-input-refused-wait").tryAcquire(tooLong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use waitForever()");
        assertThat(counting.executions() - before).as("statements run").isZero();
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        assertThat(grantedOnAnotherThread("bad-input-refused-wait")).contains("granted");
    }

    /**
     * Should an engine fail with an unchecked exception while acquiring (an argument check it makes itself, a driver
     * bug), the in-memory claim and the pinned connection are given back: nothing queues for the key afterwards, and
     * the connection goes back to the pool cleared of its locks.
     */
    @Test
    void anEngineFailingUncheckedWhileAcquiringLeavesNothingBehind() throws Exception {
        io.dblock.spi.LockEngine real = EngineDetection.detect(pool);
        io.dblock.spi.LockEngine failing = (io.dblock.spi.LockEngine) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {io.dblock.spi.LockEngine.class}, (proxy, method, args) -> {
                    if (method.getName().equals("acquireSession")) {
                        throw new IllegalStateException("engine failed unchecked");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DbLocks broken = DbLocks.builder(counting.dataSource())
                .engine(failing)
                .watchdog(Duration.ZERO)
                .build();
        assertThatThrownBy(() -> broken.advisory("bad-input-unchecked").tryAcquire(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("engine failed unchecked");
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        String outcome;
        try (TestThreads threads = new TestThreads()) {
            outcome = threads.start("another-thread", () -> broken.advisory("bad-input-unchecked")
                            .tryAcquire(Duration.ofSeconds(1))
                            .map(h -> "granted")
                            .orElse("refused"))
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            outcome = e.getCause().getMessage();
        }
        assertThat(outcome)
                .as("another thread is not queued behind a claim left in memory")
                .isEqualTo("engine failed unchecked");
        assertThat(grantedOnAnotherThread("bad-input-unchecked")).contains("granted");
    }

    private Optional<String> grantedOnAnotherThread(String name) throws Exception {
        try (TestThreads threads = new TestThreads()) {
            return threads.start("another-thread", () -> locks.advisory(name)
                            .tryAcquire(Duration.ofSeconds(1))
                            .map(h -> {
                                h.close();
                                return "granted";
                            }))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void nothingElseWasAffected() throws Exception {
        for (Connection c : opened) {
            if (!c.isClosed()) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                if (!postgres) {
                    executeUncounted(c, "UNLOCK TABLES"); // COMMIT and ROLLBACK keep MySQL table locks
                }
                c.close();
            }
        }
        opened.clear();
        row = null;
        if (pool != classPool) {
            pool.close(); // a known-bug row's own pool
        } else {
            assertThat(pool.getHikariPoolMXBean().getActiveConnections())
                    .as("pooled connections still borrowed or pinned")
                    .isZero();
        }
        try {
            assertThat(otherNode.advisory(BYSTANDER).holderConnectionIds())
                    .as("the bystander's lock is still its own")
                    .containsExactly(bystanderId);
        } finally {
            bystander.release();
        }
        StringBuilder counts = new StringBuilder("SELECT (SELECT count(*) FROM " + CANARY + ")");
        ODD_TABLES.forEach(t ->
                counts.append(" + 10 * (SELECT count(*) FROM ").append(quote(t)).append(')'));
        assertThat(server.queryInt(counts.toString()))
                .as("the canary's one row, and the odd tables exist and are empty")
                .isEqualTo(1);
    }

    /** Runs {@code sql} on the physical connection behind {@code c}, so that it is not counted as dblock's. */
    void executeUncounted(Connection c, String sql) throws SQLException {
        try (java.sql.Statement s = c.unwrap(Connection.class).createStatement()) {
            s.execute(sql);
        }
    }

    /** An int answered on the physical connection behind {@code c} (not counted). */
    int queryInt(Connection c, String sql) throws SQLException {
        try (java.sql.Statement s = c.unwrap(Connection.class).createStatement();
                java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    String quote(String identifier) {
        return postgres ? '"' + identifier.replace("\"", "\"\"") + '"' : '`' + identifier.replace("`", "``") + '`';
    }

    /** A connection from the pool under test, with auto-commit off (an open transaction); closed after the row. */
    Connection transaction() throws SQLException {
        Connection c = autoCommit();
        c.setAutoCommit(false);
        return c;
    }

    /** A connection from the pool under test, in auto-commit mode; closed after the row. */
    Connection autoCommit() throws SQLException {
        Connection c = counting.dataSource().getConnection();
        opened.add(c);
        return c;
    }

    /** A connection that has been closed. */
    Connection closed() throws SQLException {
        Connection c = dataSource(db).getConnection();
        c.close();
        return c;
    }

    /**
     * The lock on {@code key} works, is held by exactly one session, excludes other nodes, and leaves the {@code
     * lookalikes} (keys that must be different) free; afterwards it is free again.
     */
    void locksAloneAndLeavesOthersFree(LockKey key, LockKey... lookalikes) {
        try (LockHandle h = locks.advisory(key).acquire()) {
            assertThat(otherNode.advisory(key).holderConnectionIds()).containsExactly(h.connectionId());
            assertThat(otherNode.advisory(key).tryAcquire())
                    .as("another node gets " + key)
                    .isEmpty();
            for (LockKey other : lookalikes) {
                Optional<LockHandle> theirs = otherNode.advisory(other).tryAcquire();
                assertThat(theirs)
                        .as(other + " must be a different lock from " + key)
                        .isPresent();
                theirs.get().close();
            }
        }
        assertThat(otherNode.advisory(key).isLocked()).as(key + " released").isFalse();
    }

    /** Locks {@code table} for writing in a transaction of dblock's own, and checks the work ran. */
    void tableLocks(String table) {
        String result = locks.tables().write(table).inTransaction(c -> "locked");
        assertThat(result).isEqualTo("locked");
        assertThat(locks.tables(TableName.of(table)).tryInTransaction(Duration.ZERO, c -> "again"))
                .contains("again");
    }
}
