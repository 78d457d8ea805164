package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Holder;
import io.dblock.support.Needs;
import io.dblock.support.Probe;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session that died under a held lock: its connection never reaches another borrower of the application's pool
 * (HikariCP and Commons DBCP2, each with two connections: one for the watchdog, and the holder's, which HikariCP hands
 * back to the thread that used it last and DBCP2 (LIFO) to whoever asks next), and a
 * re-entrant acquisition on it is refused instead of answered from memory.
 *
 * <p>Whether a pool used to find out by itself depended on the driver: HikariCP calls {@code clearWarnings()} on every
 * returned connection, which fails on a closed connection in pgjdbc and MariaDB Connector/J 3.5.6 (so the pool evicted
 * it) but not in MySQL Connector/J or MariaDB Connector/J 3.5.1, whose dead connections went to the next borrower.
 * The MySQL Connector/J binding shows that case.
 */
@Needs
abstract class DeadConnectionContract implements DriverUnderTest {

    static final int ROUNDS = 20;

    TestDatabase db;
    Probe probe;
    DbLocks otherNode;
    AutoCloseable pool;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        probe = Probe.of(db);
        otherNode = DbLocks.create(dataSource(db));
    }

    @AfterEach
    void closePool() throws Exception {
        if (pool != null) {
            pool.close();
        }
    }

    /** The JDBC URL for the DBCP2 pool, of the same driver as {@link #dataSource(TestDatabase)}. */
    String jdbcUrl(TestDatabase db) {
        return db.jdbcUrl();
    }

    private DataSource hikari() {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db)); // the driver's own data source
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(10_000);
        HikariDataSource hikari = new HikariDataSource(config);
        pool = hikari;
        return hikari;
    }

    private DataSource dbcp2() {
        BasicDataSource dbcp = new BasicDataSource();
        dbcp.setUrl(jdbcUrl(db));
        dbcp.setUsername(db.user());
        dbcp.setPassword(db.password());
        dbcp.setMaxTotal(2);
        dbcp.setMaxWait(Duration.ofSeconds(10));
        pool = dbcp;
        return dbcp;
    }

    @Test
    void aKilledHoldersConnectionNeverReachesTheNextHikariBorrower() throws Exception {
        killedHolderThenBorrowAtOnce(hikari());
    }

    @Test
    void aKilledHoldersConnectionNeverReachesTheNextDbcp2Borrower() throws Exception {
        killedHolderThenBorrowAtOnce(dbcp2());
    }

    /**
     * The holder's session is killed, the watchdog reports the loss, {@code release()} returns quietly; the very next
     * borrower (application code, then dblock itself) gets a working connection, {@value #ROUNDS} times in a row.
     */
    private void killedHolderThenBorrowAtOnce(DataSource pooled) throws Exception {
        CountDownLatch[] lost = new CountDownLatch[1];
        DbLocks locks = DbLocks.builder(pooled)
                .watchdog(Duration.ofMillis(20))
                .listener(new LockListener() {
                    @Override
                    public void lost(LockEvent event) {
                        lost[0].countDown();
                    }
                })
                .build();
        for (int round = 0; round < ROUNDS; round++) {
            lost[0] = new CountDownLatch(1);
            LockHandle held = locks.advisory("dead-connection").acquire();
            long session = held.connectionId();
            probe.terminate(session);
            assertThat(lost[0].await(10, TimeUnit.SECONDS))
                    .as("round %d: the watchdog reported the loss", round)
                    .isTrue();
            held.release();
            try (Connection next = pooled.getConnection();
                    Statement s = next.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next())
                        .as("round %d: the next borrower's connection works", round)
                        .isTrue();
            }
            // MariaDB's KILL is asynchronous: the watchdog can see the connection fail before the server has ended
            // the session and freed its named locks (seen once in 20 rounds)
            Await.until(Duration.ofSeconds(10), "the server freed the killed session's lock", () -> !otherNode
                    .advisory("dead-connection")
                    .holderConnectionIds()
                    .contains(session));
            try (LockHandle again =
                    locks.advisory("dead-connection").tryAcquire().orElseThrow()) {
                assertThat(again.connectionId())
                        .as("round %d: a new session", round)
                        .isNotEqualTo(session);
                assertThat(otherNode.advisory("dead-connection").holderConnectionIds())
                        .containsExactly(again.connectionId());
            }
        }
    }

    @Test
    void aReentrantAcquireOnAKilledSessionIsRefusedWhileAnotherNodeHoldsTheKey() throws Exception {
        // watchdog off: nothing but the re-entry itself can find out
        DbLocks locks = DbLocks.builder(hikari()).watchdog(Duration.ZERO).build();
        AtomicInteger lostCallbacks = new AtomicInteger();
        LockHandle outer = locks.advisory("reentry-dead").acquire();
        outer.onLost(h -> lostCallbacks.incrementAndGet());
        probe.terminate(outer.connectionId());
        Holder other = Holder.start(() -> otherNode.advisory("reentry-dead").tryAcquire(Duration.ofSeconds(10)));
        long otherId = other.acquired().get(10, TimeUnit.SECONDS);
        assertThat(otherId).as("the other node got the key").isPositive();

        assertThatThrownBy(() -> locks.advisory("reentry-dead").acquire())
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining("reentry-dead");
        assertThat(outer.isHeld()).isFalse();
        assertThat(lostCallbacks).hasValue(1);
        assertThat(otherNode.advisory("reentry-dead").holderConnectionIds()).containsExactly(otherId);
        outer.release(); // quiet: known lost
        other.release();
        try (LockHandle fresh = locks.advisory("reentry-dead").acquire()) {
            assertThat(otherNode.advisory("reentry-dead").holderConnectionIds()).containsExactly(fresh.connectionId());
        }
    }

    @Test
    void aReentrantAcquireOfAHoldTheWatchdogFoundLostIsRefused() throws Exception {
        CountDownLatch lost = new CountDownLatch(1);
        DbLocks locks =
                DbLocks.builder(hikari()).watchdog(Duration.ofMillis(20)).build();
        LockHandle outer = locks.advisory("reentry-known-lost").acquire();
        outer.onLost(h -> lost.countDown());
        probe.terminate(outer.connectionId());
        assertThat(lost.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> locks.advisory("reentry-known-lost").tryAcquire())
                .isInstanceOf(LockLostException.class);
        outer.release();
        assertThat(locks.advisory("reentry-known-lost").tryAcquire().map(h -> {
                    h.release();
                    return true;
                }))
                .contains(true);
    }

    @Test
    void aReentrantAcquireOnALiveSessionStillCountsUp() throws Exception {
        DbLocks locks = DbLocks.builder(hikari()).watchdog(Duration.ZERO).build();
        try (LockHandle outer = locks.advisory("reentry-live").acquire()) {
            Optional<LockHandle> inner = locks.advisory("reentry-live").tryAcquire();
            assertThat(inner).isPresent();
            assertThat(inner.get().connectionId()).isEqualTo(outer.connectionId());
            inner.get().release();
            assertThat(otherNode.advisory("reentry-live").holderConnectionIds()).containsExactly(outer.connectionId());
        }
        Await.until(Duration.ofSeconds(5), "the lock is free", () -> !otherNode
                .advisory("reentry-live")
                .isLocked());
    }

    /**
     * A thread whose pinned session was killed (and nothing has noticed yet: no watchdog) asks for other locks: each is
     * granted at once on a fresh connection, and the hold on the dead session is reported lost.
     */
    @Test
    void aThreadWhosePinnedSessionDiedGetsOtherLocksAtOnceOnAFreshConnection() throws Exception {
        DbLocks locks = DbLocks.builder(hikari()).watchdog(Duration.ZERO).build();
        LockHandle first = locks.advisory("poisoned-first").acquire();
        AtomicInteger lost = new AtomicInteger();
        first.onLost(h -> lost.incrementAndGet());
        long dead = first.connectionId();
        probe.terminate(dead);
        Await.until(Duration.ofSeconds(10), "the session is gone", () -> !probe.alive(dead));
        for (int i = 0; i < 3; i++) {
            try (LockHandle next =
                    locks.advisory("poisoned-next-" + i).tryAcquire().orElseThrow()) {
                assertThat(next.connectionId()).as("a fresh session").isNotEqualTo(dead);
                assertThat(otherNode.advisory("poisoned-next-" + i).holderConnectionIds())
                        .containsExactly(next.connectionId());
            }
        }
        assertThat(first.isHeld()).isFalse();
        assertThat(lost).hasValue(1);
        first.release(); // quiet: known lost
    }

    /**
     * {@link LockHandle#confirmHeld()} asks the holding session: true while it holds the lock, false at once after it
     * was killed (watchdog off, so nothing else finds out), with the hold reported lost once, and only the owner may ask.
     */
    @Test
    void confirmHeldAsksTheHoldingSessionAndFindsAKilledOneLostAtOnce() throws Exception {
        DbLocks locks = DbLocks.builder(hikari()).watchdog(Duration.ZERO).build();
        LockHandle handle = locks.advisory("confirm-held").acquire();
        AtomicInteger lost = new AtomicInteger();
        handle.onLost(h -> lost.incrementAndGet());
        assertThat(handle.confirmHeld()).isTrue();
        try (TestThreads threads = new TestThreads()) {
            TestThreads.TestThread<Boolean> elsewhere = threads.start("another-thread", handle::confirmHeld);
            assertThatThrownBy(() -> elsewhere.get(Duration.ofSeconds(10)))
                    .hasCauseInstanceOf(LockUsageException.class)
                    .hasMessageContaining("confirmed by the thread that acquired it");
        }
        assertThat(lost).hasValue(0);

        long dead = handle.connectionId();
        probe.terminate(dead);
        Await.until(Duration.ofSeconds(10), "the session is gone", () -> !probe.alive(dead));
        assertThat(handle.isHeld()).as("nothing has looked yet").isTrue();
        assertThat(handle.confirmHeld()).isFalse();
        assertThat(handle.isHeld()).isFalse();
        assertThat(lost).hasValue(1);
        assertThat(handle.confirmHeld()).isFalse();
        assertThat(lost).as("reported once").hasValue(1);
        handle.release(); // quiet: known lost
        assertThat(handle.confirmHeld()).as("released").isFalse();
    }
}
