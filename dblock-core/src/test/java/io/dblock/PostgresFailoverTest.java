package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.testing.Await;
import io.dblock.testing.PostgresReplication;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Standbys and failover against a real streaming replica of the embedded PostgreSQL ({@link PostgresReplication}: a
 * primary and a hot standby built by a file copy between {@code pg_backup_start()} and {@code pg_backup_stop()},
 * promoted with {@code pg_promote()}). Each test has its own pair. Skips where the embedded binaries cannot run.
 */
class PostgresFailoverTest {

    /** The holders' watchdog here; the grace period is its detection bound, 2 s + 5 s. */
    static final Duration WATCHDOG = Duration.ofSeconds(2);

    static final Duration GRACE = WATCHDOG.plusSeconds(5);

    @AutoClose
    final TestThreads threads = new TestThreads();

    final List<AutoCloseable> closeAfter = new ArrayList<>();
    PostgresReplication servers;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(PostgresReplication.unavailableReason().isEmpty(), () -> PostgresReplication.unavailableReason()
                .orElseThrow());
        servers = PostgresReplication.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(servers.primary().user());
        config.setPassword(servers.primary().password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(30_000);
        HikariDataSource pool = new HikariDataSource(config);
        closeAfter.add(pool);
        return pool;
    }

    DbLocks node(DataSource pool, Duration watchdog, Failover failover) {
        DbLocks locks =
                DbLocks.builder(pool).watchdog(watchdog).failover(failover).build();
        closeAfter.add(() -> locks.close(Duration.ZERO));
        return locks;
    }

    @Test
    void aSessionLockOnAStandbyIsRefusedWithTheUrlSettingToFixAndAllowedWhenAskedFor() {
        DbLocks onReplica = node(servers.replica().dataSource(), WATCHDOG, Failover.defaults());
        assertThatThrownBy(() -> onReplica.advisory("standby").acquire())
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("pg_is_in_recovery() is true")
                .hasMessageContaining("targetServerType=primary")
                .hasMessageContaining("allowingStandby()");
        assertThatThrownBy(() -> onReplica.advisory("standby").tryAcquire()).isInstanceOf(LockUsageException.class);
        assertThat(advisoryLocksOn(servers.replica().dataSource()))
                .as("nothing left on the standby")
                .isZero();

        DbLocks allowed = node(
                servers.replica().dataSource(), WATCHDOG, Failover.defaults().allowingStandby());
        try (LockHandle h = allowed.advisory("standby").acquire()) {
            assertThat(h.isHeld()).isTrue();
            assertThat(advisoryLocksOn(servers.replica().dataSource())).isEqualTo(1);
        }
    }

    /**
     * A pool over both servers, {@code targetServerType=any&loadBalanceHosts=true}, one connection per node: a node
     * that lands on the standby is refused; a node that lands on the primary holds its lock, and its watchdog (which
     * asks the holding session itself) never calls it lost, nor calls a lock held that the primary does not have.
     */
    @Test
    void aPoolOverPrimaryAndStandbyGivesNoFalseHeldAndNoFalseLost() throws Exception {
        String url = servers.multiHostUrl("targetServerType=any&loadBalanceHosts=true");
        int granted = 0;
        int refused = 0;
        AtomicInteger lost = new AtomicInteger();
        List<LockHandle> held = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            DbLocks node = node(pool(url, 1), Duration.ofMillis(100), Failover.defaults());
            try {
                LockHandle h = node.advisory("both-" + i).acquire();
                h.onLost(x -> lost.incrementAndGet());
                held.add(h);
                granted++;
            } catch (LockUsageException onStandby) {
                assertThat(onStandby).hasMessageContaining("standby");
                refused++;
            }
        }
        long checkedUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        Await.until(Duration.ofSeconds(10), "20 watchdog intervals pass", () -> {
            assertThat(lost).as("no false lost").hasValue(0);
            return System.nanoTime() - checkedUntil >= 0;
        });
        assertThat(advisoryLocksOn(servers.primary().dataSource()))
                .as("every lock reported held is on the primary")
                .isEqualTo(held.size());
        for (LockHandle h : held) {
            assertThat(h.isHeld()).isTrue();
        }
        System.out.printf(
                "pool over primary and standby (any, loadBalanceHosts): %d nodes held on the primary, %d refused on"
                        + " the standby, %d false 'lost'%n",
                granted, refused, lost.get());
        assertThat(granted + refused).isEqualTo(12);
        held.forEach(h -> threadRelease(h));
    }

    /** Releases a handle on this (its acquiring) thread. */
    private static void threadRelease(LockHandle h) {
        h.release();
    }

    /** What a failover showed, in ms after the primary was stopped. */
    record Failed(long toldMs, long promotedMs, long grantedMs, long tokenBefore, long tokenAfter) {
        long overlapMs() {
            return Math.max(0, toldMs - grantedMs);
        }
    }

    /**
     * Node A holds a fenced lock through {@code targetServerType=primary}; the primary is stopped ({@code -m
     * immediate}) and the standby promoted; node B asks for the lock through the same URL.
     *
     * @param caughtUp wait until the standby has replayed everything before the cut (the token's increment included)
     */
    Failed failover(Duration holderWatchdog, Failover forB, boolean caughtUp) throws Exception {
        String url = servers.multiHostUrl("targetServerType=primary");
        DbLocks.create(servers.primary().dataSource()).createFencingTable();
        DbLocks a = node(pool(url, 2), holderWatchdog, Failover.defaults());
        LockHandle held = a.advisory("failover").fenced().acquire();
        long tokenBefore = held.fencingToken().orElseThrow();
        AtomicLong toldAt = new AtomicLong();
        CountDownLatch told = new CountDownLatch(1);
        held.onLost(h -> {
            toldAt.set(System.nanoTime());
            told.countDown();
        });
        if (caughtUp) {
            Await.untilChecked(Duration.ofSeconds(10), "the standby replayed the token", this::standbyCaughtUp);
        }
        long cut = System.nanoTime();
        servers.stopPrimaryImmediately();
        servers.promote();
        long promoted = System.nanoTime();
        DbLocks b = node(pool(url, 2), holderWatchdog, forB);
        TestThreads.TestThread<long[]> asking = threads.start("node-b", () -> {
            try (LockHandle granted = b.advisory("failover")
                    .fenced()
                    .timeout(Duration.ofSeconds(60))
                    .acquire()) {
                return new long[] {System.nanoTime(), granted.fencingToken().orElseThrow()};
            }
        });
        long[] grant = asking.get(90, TimeUnit.SECONDS);
        assertThat(told.await(30, TimeUnit.SECONDS))
                .as("the old holder is told")
                .isTrue();
        assertThat(held.isHeld()).isFalse();
        return new Failed(
                TimeUnit.NANOSECONDS.toMillis(toldAt.get() - cut),
                TimeUnit.NANOSECONDS.toMillis(promoted - cut),
                TimeUnit.NANOSECONDS.toMillis(grant[0] - cut),
                tokenBefore,
                grant[1]);
    }

    private boolean standbyCaughtUp() throws Exception {
        String sent;
        try (Connection c = servers.primary().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            r.next();
            sent = r.getString(1);
        }
        try (Connection c = servers.replica().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT pg_last_wal_replay_lsn() >= '" + sent + "'::pg_lsn")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    @Test
    void afterAPromotionTheOldHolderIsToldBeforeAnotherNodeIsGrantedAndTheTokenGrows() throws Exception {
        Failed f = failover(WATCHDOG, Failover.defaults().withGrace(GRACE), true);
        System.out.printf(
                "promotion, grace %d ms (watchdog %d ms): promoted %d ms, holder told %d ms, other node granted %d ms"
                        + " after the cut; overlap %d ms; tokens %d -> %d%n",
                GRACE.toMillis(),
                WATCHDOG.toMillis(),
                f.promotedMs,
                f.toldMs,
                f.grantedMs,
                f.overlapMs(),
                f.tokenBefore,
                f.tokenAfter);
        assertThat(f.toldMs).as("told before anyone else is granted").isLessThan(f.grantedMs);
        // the grace runs from the promotion as the server dates it (its new timeline's history file), which can be a
        // few hundred ms before pg_promote() returns
        assertThat(f.grantedMs - f.promotedMs)
                .as("the grace ran from the promotion")
                .isGreaterThanOrEqualTo(GRACE.toMillis() - 1_000);
        assertThat(f.tokenAfter).isGreaterThan(f.tokenBefore);
    }

    @Test
    void withoutAGracePeriodAnotherNodeIsGrantedWhileTheOldHolderStillBelievesItHoldsTheLock() throws Exception {
        Failed f = failover(
                Duration.ofSeconds(DbLocks.DEFAULT_WATCHDOG_SECONDS),
                Failover.defaults().withGrace(Duration.ZERO),
                true);
        System.out.printf(
                "promotion, no grace (watchdog 10 s): promoted %d ms, holder told %d ms, other node granted %d ms after"
                        + " the cut; overlap %d ms; tokens %d -> %d%n",
                f.promotedMs, f.toldMs, f.grantedMs, f.overlapMs(), f.tokenBefore, f.tokenAfter);
        assertThat(f.grantedMs)
                .as("granted as soon as the promoted server answers")
                .isLessThan(f.promotedMs + 5_000);
    }

    /**
     * With {@code synchronous_commit = on} and the standby named in {@code synchronous_standby_names}, the token's
     * increment is on the standby before the holder has it: cut at once after the grant, with no wait for the standby,
     * and the next token is still greater.
     */
    @Test
    void withASynchronousStandbyTokensNeverRepeatAcrossAFailover() throws Exception {
        try (Connection c = servers.primary().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET synchronous_standby_names = 'dblock_replica'");
            s.execute("ALTER SYSTEM SET synchronous_commit = 'on'");
            s.execute("SELECT pg_reload_conf()");
        }
        Await.untilChecked(Duration.ofSeconds(10), "the standby is synchronous", () -> {
            try (Connection c = servers.primary().dataSource().getConnection();
                    Statement s = c.createStatement();
                    ResultSet r =
                            s.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")) {
                r.next();
                return r.getInt(1) == 1;
            }
        });
        Failed f = failover(WATCHDOG, Failover.defaults().withGrace(GRACE), false);
        System.out.printf(
                "promotion, synchronous standby, cut right after the grant: tokens %d -> %d%n",
                f.tokenBefore, f.tokenAfter);
        assertThat(f.tokenAfter).isGreaterThan(f.tokenBefore);
    }

    private static int advisoryLocksOn(DataSource server) {
        try (Connection c = server.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")) {
            r.next();
            return r.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
