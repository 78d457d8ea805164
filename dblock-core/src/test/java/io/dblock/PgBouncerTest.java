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

    @org.junit.jupiter.api.BeforeEach
    void direct(DataSource dataSource) {
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
        }
        DbLocks declared = node(sessionPooling, Pooler.SESSION);
        declared.advisory("detect").acquire().release();
        assertThat(declared.inspector().pooler()).isEqualTo(Pooler.SESSION);
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
    void aReleaseOfOneKeyKeepsItOnTheServerUntilTheConnectionsLastHoldEnds() {
        DbLocks a = node(transactionPooling, Pooler.AUTO);
        DbLocks b = node(transactionPooling, Pooler.AUTO);
        LockHandle first = a.advisory("first").acquire();
        LockHandle second = a.advisory("second").acquire();
        second.release();
        assertThat(b.advisory("second").tryAcquire())
                .as("a transaction-scoped lock cannot be released alone")
                .isEmpty();
        first.release();
        assertThat(b.advisory("second").tryAcquire()).hasValueSatisfying(LockHandle::close);
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
}
