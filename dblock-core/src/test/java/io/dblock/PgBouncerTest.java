package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.Server;
import io.dblock.testing.Await;
import io.dblock.testing.PgBouncer;
import io.dblock.testing.PostgresTest;
import io.dblock.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session locks behind a real PgBouncer (Debian's {@code pgbouncer}, started by the test kit) in transaction and in
 * session pooling, {@code default_pool_size = 2}, two nodes each with its own HikariCP pool and pgjdbc's default
 * {@code prepareThreshold}. The server's view is read past the pooler, on a direct connection. Skips where the binary is
 * missing ({@link PgBouncer#unavailableReason()}).
 */
@PostgresTest
class PgBouncerTest {

    static final int TRIALS = 20;

    static PgBouncer transactionPooling;
    static PgBouncer sessionPooling;

    final List<AutoCloseable> closeAfter = new ArrayList<>();
    DataSource direct;
    Server server;

    @BeforeAll
    static void startPgBouncers(TestDatabase db) throws Exception {
        assumeTrue(PgBouncer.unavailableReason().isEmpty(), () -> PgBouncer.unavailableReason()
                .orElseThrow());
        transactionPooling = PgBouncer.start(db, PgBouncer.PoolMode.TRANSACTION, 2);
        sessionPooling = PgBouncer.start(db, PgBouncer.PoolMode.SESSION, 2);
    }

    @AfterAll
    static void stopPgBouncers() throws Exception {
        if (transactionPooling != null) {
            transactionPooling.close();
        }
        if (sessionPooling != null) {
            sessionPooling.close();
        }
    }

    TestDatabase db;

    @org.junit.jupiter.api.BeforeEach
    void direct(DataSource dataSource, TestDatabase db) {
        this.db = db;
        direct = dataSource;
        server = new Server(dataSource);
    }

    @AfterEach
    void closeNodes() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    /** A node: its own HikariCP pool through {@code bouncer}, pgjdbc defaults, and its own {@code DbLocks}. */
    DbLocks node(PgBouncer bouncer, Pooler pooler) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(bouncer.dataSource());
        // in session pooling each open client connection keeps one of the 2 server sessions for as long as it is open
        config.setMaximumPoolSize(bouncer.mode() == PgBouncer.PoolMode.SESSION ? 1 : 4);
        config.setMinimumIdle(0);
        HikariDataSource pool = new HikariDataSource(config);
        closeAfter.add(pool);
        DbLocks locks = DbLocks.builder(pool).pooler(pooler).build();
        closeAfter.add(locks);
        return locks;
    }

    /** Advisory locks granted on the server, seen past the pooler. */
    int grantedOnServer() {
        return server.queryInt("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted");
    }

    @Test
    void detectionSaysWhatStandsInBetween() {
        DbLocks plain = DbLocks.create(direct);
        assertThat(plain.inspector().pooler()).as("before the first pin").isEqualTo(Pooler.AUTO);
        plain.advisory("detect").acquire().release();
        assertThat(plain.inspector().pooler()).isEqualTo(Pooler.NONE);
        for (PgBouncer bouncer : List.of(transactionPooling, sessionPooling)) {
            DbLocks pooled = node(bouncer, Pooler.AUTO);
            pooled.advisory("detect").acquire().release();
            assertThat(pooled.inspector().pooler()).as(bouncer.toString()).isEqualTo(Pooler.TRANSACTION);
            assertThat(pooled.inspector().connections().multiplexed())
                    .as("multiplexing switched off behind a transaction pooler")
                    .isFalse();
        }
        assertThat(plain.inspector().connections().multiplexed())
                .as("direct: multiplexed")
                .isTrue();
        DbLocks declared = node(sessionPooling, Pooler.SESSION);
        declared.advisory("detect").acquire().release();
        assertThat(declared.inspector().pooler()).isEqualTo(Pooler.SESSION);
        assertThat(declared.inspector().connections().multiplexed())
                .as("a session pooler keeps one server session per client connection: multiplexed")
                .isTrue();
    }

    /**
     * A wrapper made with {@link java.lang.reflect.Proxy} (as Spring's {@code TransactionAwareDataSourceProxy} and
     * datasource-proxy make them) has the platform class loader, which does not see pgjdbc: detection must still find
     * the driver's types, or it would call the pooler direct and hand out plain session locks behind it.
     */
    @Test
    void detectionSeesThroughAJdkProxyWrapperOfThePool() {
        DbLocks a = DbLocks.builder(jdkProxy(pool(transactionPooling))).build();
        closeAfter.add(a);
        DbLocks b = node(transactionPooling, Pooler.AUTO);
        try (LockHandle held = a.advisory("proxied").acquire()) {
            assertThat(a.inspector().pooler()).isEqualTo(Pooler.TRANSACTION);
            assertThat(b.advisory("proxied").tryAcquire()).isEmpty();
        }
    }

    HikariDataSource pool(PgBouncer bouncer) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(bouncer.dataSource());
        config.setMaximumPoolSize(2);
        HikariDataSource pool = new HikariDataSource(config);
        closeAfter.add(pool);
        return pool;
    }

    /** {@code target} behind JDK proxies of {@link DataSource} and {@link Connection}, with their class loader. */
    static DataSource jdkProxy(DataSource target) {
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, method, args) -> {
                    Object result = invoke(method, target, args);
                    return method.getName().equals("getConnection") ? jdkProxy((Connection) result) : result;
                });
    }

    static Connection jdkProxy(Connection target) {
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (p, method, args) -> invoke(method, target, args));
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void behindTransactionPoolingTwoNodesNeverHoldAnExclusiveKeyTogether() {
        twoNodesExclude(transactionPooling, Pooler.AUTO);
    }

    @Test
    void behindSessionPoolingTwoNodesNeverHoldAnExclusiveKeyTogether() {
        twoNodesExclude(sessionPooling, Pooler.AUTO);
    }

    @Test
    void declaredSessionPoolingGivesPlainSessionLocksThatExclude() {
        twoNodesExclude(sessionPooling, Pooler.SESSION);
    }

    private void twoNodesExclude(PgBouncer bouncer, Pooler pooler) {
        DbLocks a = node(bouncer, pooler);
        DbLocks b = node(bouncer, pooler);
        int doubleGrants = 0;
        for (int i = 0; i < TRIALS; i++) {
            try (LockHandle held = a.advisory("trial:" + i).acquire()) {
                Optional<LockHandle> other = b.advisory("trial:" + i).tryAcquire();
                if (other.isPresent()) {
                    doubleGrants++;
                    other.get().release();
                }
            }
            try (LockHandle again = b.advisory("trial:" + i).tryAcquire().orElseThrow()) {
                assertThat(again.isHeld()).isTrue();
            }
        }
        System.out.printf("%s, %s: %d double grants in %d trials%n", bouncer, pooler, doubleGrants, TRIALS);
        assertThat(doubleGrants).isZero();
    }

    @Test
    void sharedReentrantAndMultiKeyHoldsExcludeAcrossNodes() {
        DbLocks a = node(transactionPooling, Pooler.AUTO);
        DbLocks b = node(transactionPooling, Pooler.AUTO);
        try (LockHandle shared = a.advisory("report").shared().acquire()) {
            assertThat(b.advisory("report").shared().tryAcquire()).hasValueSatisfying(LockHandle::close);
            assertThat(b.advisory("report").tryAcquire())
                    .as("exclusive against a shared hold")
                    .isEmpty();
        }
        LockHandle outer = a.advisory("re").acquire();
        LockHandle inner = a.advisory("re").acquire();
        inner.release();
        assertThat(b.advisory("re").tryAcquire())
                .as("the outer hold still holds")
                .isEmpty();
        outer.release();
        assertThat(b.advisory("re").tryAcquire()).hasValueSatisfying(LockHandle::close);

        try (LockHandle both = a.advisory(LockKey.of("k1"), LockKey.of("k2")).acquire()) {
            assertThat(b.advisory("k2").tryAcquire()).isEmpty();
            assertThat(b.advisory("k1").tryAcquire()).isEmpty();
        }
        assertThat(b.advisory(LockKey.of("k1"), LockKey.of("k2")).tryAcquire()).hasValueSatisfying(LockHandle::close);
        Await.until(Duration.ofSeconds(5), "nothing left on the server", () -> grantedOnServer() == 0);
    }

    @Test
    void theLatestOfAConnectionsLocksIsFreedOnTheServerAtItsRelease() {
        DbLocks a = node(transactionPooling, Pooler.AUTO);
        DbLocks b = node(transactionPooling, Pooler.AUTO);
        LockHandle first = a.advisory("first").acquire();
        LockHandle second =
                a.advisory(LockKey.of("second"), LockKey.of("third")).acquire();
        LockHandle fourth = a.advisory("fourth").shared().acquire();
        assertThat(grantedOnServer()).isEqualTo(4);
        Await.until(Duration.ofSeconds(5), "the holder labelled", () -> holderLabels() == 1);
        fourth.release();
        assertThat(grantedOnServer()).as("the shared hold taken last is gone").isEqualTo(3);
        Await.until(
                Duration.ofSeconds(5),
                "the label, which the rollback to the savepoint may have undone, made again",
                () -> holderLabels() == 1);
        second.release();
        assertThat(grantedOnServer())
                .as("both keys of the multi-key hold are gone")
                .isEqualTo(1);
        assertThat(b.advisory(LockKey.of("second"), LockKey.of("third")).tryAcquire())
                .hasValueSatisfying(LockHandle::close);
        assertThat(b.advisory("first").tryAcquire()).isEmpty();
        assertThat(first.confirmHeld()).isTrue();
        LockHandle again = a.advisory("again").acquire();
        assertThat(grantedOnServer()).isEqualTo(2);
        again.release();
        first.release();
        assertThat(grantedOnServer()).isZero();
    }

    /** Server sessions holding an advisory lock whose {@code application_name} carries dblock's holder label. */
    int holderLabels() {
        return server.queryInt("SELECT count(DISTINCT a.pid) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid"
                + " WHERE l.locktype = 'advisory' AND a.application_name LIKE '%[dblock %'");
    }

    @Test
    void aLockReleasedBeforeALaterOneStaysOnTheServerUntilThatOneIsReleased() {
        DbLocks a = node(transactionPooling, Pooler.AUTO);
        DbLocks b = node(transactionPooling, Pooler.AUTO);
        LockHandle first = a.advisory("first").acquire();
        LockHandle second = a.advisory("second").acquire();
        LockHandle third = a.advisory("third").acquire();
        second.release();
        assertThat(b.advisory("second").tryAcquire())
                .as("a transaction-scoped lock with a later one above it cannot be released alone")
                .isEmpty();
        third.release();
        assertThat(grantedOnServer())
                .as("second went with third, the layer above it")
                .isEqualTo(1);
        assertThat(b.advisory("second").tryAcquire()).hasValueSatisfying(LockHandle::close);
        assertThat(first.confirmHeld()).isTrue();
        first.release();
        assertThat(grantedOnServer()).isZero();
    }

    @Test
    void aTimeoutBehindThePoolerKeepsTheOtherLocksOfTheConnection() {
        DbLocks a = node(transactionPooling, Pooler.AUTO);
        DbLocks b = node(transactionPooling, Pooler.AUTO);
        try (LockHandle theirs = a.advisory("busy").acquire();
                LockHandle mine = b.advisory("mine").acquire()) {
            assertThatThrownBy(() ->
                            b.advisory("busy").timeout(Duration.ofMillis(200)).acquire())
                    .isInstanceOf(LockTimeoutException.class);
            assertThat(a.advisory("mine").tryAcquire())
                    .as("b's other lock survived the timeout")
                    .isEmpty();
            assertThat(mine.confirmHeld()).isTrue();
        }
    }

    @Test
    void aNodeThatDiesWithoutReleasingFreesItsLockOnTheServer() throws Exception {
        for (PgBouncer bouncer : List.of(transactionPooling, sessionPooling)) {
            HikariConfig config = new HikariConfig();
            config.setDataSource(bouncer.dataSource());
            config.setMaximumPoolSize(2);
            HikariDataSource pool = new HikariDataSource(config);
            DbLocks dying = DbLocks.builder(pool).watchdog(Duration.ZERO).build();
            dying.advisory("orphan").acquire();
            assertThat(grantedOnServer()).isEqualTo(1);
            long died = System.nanoTime();
            pool.close(); // the process dies: its sockets close, no release is sent
            Await.until(Duration.ofSeconds(10), "the server frees the dead node's lock", () -> grantedOnServer() == 0);
            System.out.printf(
                    "%s: a dead node's lock freed on the server %d ms after its connections closed%n",
                    bouncer, Duration.ofNanos(System.nanoTime() - died).toMillis());
            dying.close(Duration.ZERO);
            DbLocks next = node(bouncer, Pooler.AUTO);
            assertThat(next.advisory("orphan").tryAcquire()).hasValueSatisfying(LockHandle::close);
        }
    }

    @Test
    void fencingTokensBehindThePoolerAreCountedAndNeverRepeat() {
        DbLocks a = node(transactionPooling, Pooler.AUTO);
        DbLocks.create(direct).createFencingTable();
        long first;
        try (LockHandle h = a.advisory("fenced").fenced().acquire()) {
            first = h.fencingToken().orElseThrow();
        }
        try (LockHandle h = a.advisory("fenced").fenced().acquire()) {
            assertThat(h.fencingToken().orElseThrow()).isGreaterThan(first);
        }
    }

    @Test
    void terminatingASessionThroughATransactionPoolerIsRefused() {
        DbLocks a = node(transactionPooling, Pooler.AUTO);
        try (LockHandle h = a.advisory("victim").acquire()) {
            assertThatThrownBy(() -> a.inspector().terminate(h.connectionId()))
                    .isInstanceOf(UnsupportedLockException.class)
                    .hasMessageContaining("cancel");
            assertThat(h.confirmHeld()).isTrue();
        }
    }

    @Test
    void transactionLocksOnTheCallersConnectionExcludeAcrossNodes() throws Exception {
        DbLocks a = node(transactionPooling, Pooler.AUTO);
        DbLocks b = node(transactionPooling, Pooler.AUTO);
        org.postgresql.ds.PGSimpleDataSource callers = transactionPooling.dataSource();
        callers.setPrepareThreshold(0); // the application's own statements need it behind PgBouncer 1.18
        try (Connection c = callers.getConnection()) {
            c.setAutoCommit(false);
            a.advisory("tx").acquireForTransaction(c);
            assertThat(b.advisory("tx").tryAcquire()).isEmpty();
            c.commit();
        }
        assertThat(b.advisory("tx").tryAcquire()).hasValueSatisfying(LockHandle::close);
    }

    /**
     * pgjdbc's default {@code prepareThreshold} (5) server-prepares a statement from its fifth run on one connection,
     * which PgBouncer 1.18 in transaction mode cannot keep: the next transaction may get another server session (42P05
     * "already exists" or 26000 "does not exist"). Here every other round a neighbour client keeps the server session
     * used last in a transaction of its own, so dblock's next statements land on another one. Every connection dblock
     * runs its own SQL on is used more than 5 times: inspection and fencing on borrowed connections, table locks in
     * dblock's own transaction (commit and rollback included); transaction locks on the caller's connection, whose own
     * commands need {@code prepareThreshold=0} from the application.
     */
    @Test
    void dblocksOwnStatementsOnEveryConnectionWorkWithTheDriversDefaultPrepareThreshold() throws Exception {
        PgBouncer bouncer = PgBouncer.start(db, PgBouncer.PoolMode.TRANSACTION, 3);
        closeAfter.add(bouncer);
        HikariConfig config = new HikariConfig();
        config.setDataSource(bouncer.dataSource());
        config.setMaximumPoolSize(2);
        HikariDataSource pool = new HikariDataSource(config);
        closeAfter.add(pool);
        DbLocks a = DbLocks.builder(pool).build();
        closeAfter.add(a);
        DbLocks.create(direct).createFencingTable();
        server.execute("CREATE TABLE IF NOT EXISTS bouncer_t (id int)");
        org.postgresql.ds.PGSimpleDataSource neighbours = bouncer.dataSource();
        neighbours.setPrepareThreshold(0);
        long lastToken = 0;
        try (Connection neighbour = neighbours.getConnection()) {
            for (int i = 0; i < 12; i++) {
                boolean swap = i % 2 == 1;
                if (swap) {
                    neighbour.setAutoCommit(false);
                    neighbour.createStatement().execute("SELECT 1");
                }
                assertThat(a.advisory("inspected").isLocked()).as("round %d", i).isFalse();
                assertThat(a.inspector().locks()).isNotNull();
                try (LockHandle h = a.advisory("fenced").fenced().acquire()) {
                    assertThat(h.fencingToken().orElseThrow()).isGreaterThan(lastToken);
                    lastToken = h.fencingToken().orElseThrow();
                }
                String ran = a.tables().write("bouncer_t").inTransaction(c -> "ran");
                assertThat(ran).isEqualTo("ran");
                try (Connection c = neighbours.getConnection()) { // the application's own commands need threshold 0
                    c.setAutoCommit(false);
                    a.advisory("tx").acquireForTransaction(c);
                    c.rollback();
                }
                if (swap) {
                    neighbour.rollback();
                    neighbour.setAutoCommit(true);
                }
            }
        }
    }

    /**
     * PgBouncer's {@code idle_transaction_timeout} (here 2 s) closes the server connection of a client idle in a
     * transaction, and the server frees that transaction's locks. dblock cannot read the pooler's setting: declared
     * ({@code pooler(AUTO, 2 s)}), the keepalive uses the held transaction within a third of it and the lock is kept;
     * undeclared (the control), the pooler ends it after 2 s, while the holder learns at its next keepalive or check.
     */
    @Test
    void aDeclaredIdleTransactionLimitOfThePoolerKeepsTheHeldTransactionAlive() throws Exception {
        PgBouncer bouncer = PgBouncer.start(
                db, PgBouncer.PoolMode.TRANSACTION, 2, java.util.Map.of("idle_transaction_timeout", "2"));
        closeAfter.add(bouncer);
        Duration limit = Duration.ofSeconds(2);
        HikariConfig config = new HikariConfig();
        config.setDataSource(bouncer.dataSource());
        config.setMaximumPoolSize(2);
        HikariDataSource pool = new HikariDataSource(config);
        closeAfter.add(pool);

        DbLocks declared = DbLocks.builder(pool).pooler(Pooler.AUTO, limit).build();
        closeAfter.add(declared);
        try (LockHandle held = declared.advisory("kept").acquire()) {
            long until = System.nanoTime() + limit.multipliedBy(3).toNanos();
            Await.until(Duration.ofSeconds(15), "held for three times the pooler's limit", () -> {
                assertThat(grantedOnServer()).as("still held on the server").isEqualTo(1);
                return System.nanoTime() - until >= 0;
            });
            assertThat(held.confirmHeld()).isTrue();
        }
        assertThat(grantedOnServer()).isZero();

        DbLocks undeclared = DbLocks.builder(pool).build();
        closeAfter.add(undeclared);
        java.util.concurrent.CountDownLatch lost = new java.util.concurrent.CountDownLatch(1);
        LockHandle control = undeclared.advisory("taken").acquire();
        control.onLost(h -> lost.countDown());
        long acquired = System.nanoTime();
        Await.until(Duration.ofSeconds(10), "the pooler ended the idle transaction", () -> grantedOnServer() == 0);
        long freed = System.nanoTime();
        assertThat(lost.await(15, java.util.concurrent.TimeUnit.SECONDS))
                .as("the holder is told")
                .isTrue();
        System.out.printf(
                "undeclared idle_transaction_timeout 2 s: lock freed by the pooler %d ms after the acquire, holder told"
                        + " %d ms after that%n",
                Duration.ofNanos(freed - acquired).toMillis(),
                Duration.ofNanos(System.nanoTime() - freed).toMillis());
        assertThat(control.isHeld()).isFalse();
        control.release();
    }
}
