package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.spi.TableLocks;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.FaultInjectingDataSource;
import io.dblock.support.Holder;
import io.dblock.support.Needs;
import io.dblock.support.OwnLocks;
import io.dblock.support.Probe;
import io.dblock.support.Server;
import io.dblock.support.ServerRestart;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * dblock stays right when the database or the pool fails under it: a holder's session killed from outside, the
 * server restarted mid-hold, the pool exhausted, a statement timeout firing during a wait. (A terminated holder seen
 * alone is {@link WatchdogContract}'s; interrupts are {@link InterruptContract}'s.)
 */
@Needs(TableLocks.class)
abstract class FaultContract implements DriverUnderTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    static final Duration WATCHDOG = Duration.ofMillis(50);

    TestDatabase db;
    boolean postgres;
    Probe probe;
    /** Wraps the holder's connections: counts the holder queries the watchdog runs on them. */
    FaultInjectingDataSource holderConnections;

    DbLocks holder;
    DbLocks otherNode;
    final List<String> lostHeard = new CopyOnWriteArrayList<>();
    final List<HikariDataSource> pools = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        postgres = db.engine().equals("PostgreSQL");
        probe = Probe.of(db);
        holderConnections = new FaultInjectingDataSource(dataSource(db), postgres);
        holder = DbLocks.builder(holderConnections.dataSource())
                .watchdog(WATCHDOG)
                .listener(new LockListener() {
                    @Override
                    public void lost(LockEvent event) {
                        lostHeard.add(event.lock());
                    }
                })
                .build();
        otherNode = DbLocks.create(dataSource(db));
        new Server(db.dataSource()).execute("CREATE TABLE IF NOT EXISTS fault_restart (v int)"); // for table locks
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void aWaiterOnAnotherNodeGetsTheLockWhenTheHoldersBackendIsKilled() throws Exception {
        LockHandle held = holder.advisory("fault-killed").acquire();
        AtomicInteger callbacks = new AtomicInteger();
        CountDownLatch lost = new CountDownLatch(1);
        held.onLost(h -> {
            callbacks.incrementAndGet();
            lost.countDown();
        });
        Holder waiter = Holder.start(() -> otherNode.advisory("fault-killed").tryAcquire(Duration.ofSeconds(20)));
        Await.until(Duration.ofSeconds(10), "the waiter waits on the server", () -> probe.waitingForNamedLock() == 1);

        probe.terminate(held.connectionId());

        long waiterId = waiter.acquired().get(10, TimeUnit.SECONDS);
        assertThat(waiterId).as("the waiter was granted the lock").isPositive();
        assertThat(otherNode.advisory("fault-killed").holderConnectionIds()).containsExactly(waiterId);
        assertThat(lost.await(10, TimeUnit.SECONDS))
                .as("the watchdog reported the loss")
                .isTrue();
        assertThat(held.isHeld()).isFalse();
        // Reported once, also after more watchdog passes over the still-unreleased handle (the passes show as checks of
        // another, live hold of the same DbLocks, on its own session)
        Holder alive = Holder.start(() -> holder.advisory("fault-alive").tryAcquire());
        assertThat(alive.acquired().get(10, TimeUnit.SECONDS)).isPositive();
        int checks = holderConnections.holderQueries();
        Await.until(
                Duration.ofSeconds(10),
                "three more watchdog passes",
                () -> holderConnections.holderQueries() >= checks + 3);
        alive.release();
        assertThat(callbacks).hasValue(1);
        assertThat(lostHeard).containsExactly("advisory \"fault-killed\"");

        held.release(); // no driver error: the handle is known lost, nothing is sent to the dead session
        assertThat(callbacks).hasValue(1);
        assertThat(lostHeard).hasSize(1);
        assertThat(otherNode.advisory("fault-killed").holderConnectionIds())
                .as("the waiter's lock is untouched by the release")
                .containsExactly(waiterId);
        waiter.release();
        try (LockHandle again = holder.advisory("fault-killed").acquire()) {
            assertThat(again.isHeld()).isTrue();
            assertThat(otherNode.advisory("fault-killed").holderConnectionIds()).containsExactly(again.connectionId());
        }
    }

    @Test
    void aServerRestartLosesEveryHeldLockAndLockingWorksAgainAfterwards() throws Exception {
        assumeThat(ServerRestart.supported(db))
                .as("only the embedded servers can be restarted")
                .isTrue();
        LockHandle outer = holder.advisory("fault-restart-a").acquire();
        LockHandle inner =
                holder.advisory(LockKey.of("fault-restart-b"), LockKey.of(77L)).acquire();
        CountDownLatch lost = new CountDownLatch(2);
        outer.onLost(h -> lost.countDown());
        inner.onLost(h -> lost.countDown());
        Holder waiter = Holder.start(
                () -> Optional.of(otherNode.advisory("fault-restart-a").acquire()));
        Await.until(Duration.ofSeconds(10), "the waiter waits on the server", () -> probe.waitingForNamedLock() == 1);

        ServerRestart.restart(db);
        Await.untilChecked(Duration.ofSeconds(30), "the server accepts connections again", this::serverAnswers);

        // A wait in progress ends with the server instead of hanging: with LockFailedException (the connection
        // failed), or, if the shutdown let the holder's session go first, granted on a session that died right after.
        try {
            waiter.acquired().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(LockFailedException.class);
        }
        waiter.release();
        assertThat(lost.await(20, TimeUnit.SECONDS))
                .as("the watchdog reported both handles lost")
                .isTrue();
        assertThat(outer.isHeld()).isFalse();
        assertThat(inner.isHeld()).isFalse();
        inner.release();
        outer.release();
        assertThat(lostHeard).hasSize(2);

        try (LockHandle again = holder.advisory("fault-restart-a").acquire()) {
            assertThat(otherNode.advisory("fault-restart-a").holderConnectionIds())
                    .containsExactly(again.connectionId());
            assertThat(otherNode.advisory("fault-restart-a").tryAcquire()).isEmpty();
        }
        try (LockHandle other = otherNode
                .advisory(LockKey.of("fault-restart-b"), LockKey.of(77L))
                .tryAcquire()
                .orElseThrow()) {
            assertThat(other.isHeld()).isTrue();
        }
        assertThat(otherNode.tables().write("fault_restart").tryInTransaction(Duration.ofSeconds(5), c -> "locked"))
                .contains("locked");
    }

    private boolean serverAnswers() {
        try (Connection c = db.dataSource().getConnection()) {
            return c.isValid(2);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    @Test
    void anExhaustedPoolFailsOtherRequestsPromptlyAndClearlyAndRecovers() throws Exception {
        HikariDataSource pool = pool(1, null);
        DbLocks locks = DbLocks.builder(pool).multiplexing(Multiplexing.off()).build(); // holders pin connections
        LockHandle pinned = locks.advisory("fault-pool-a").acquire(); // pins the pool's only connection

        long start = System.nanoTime();
        Throwable thrown =
                failureOnAnotherThread(() -> locks.advisory("fault-pool-b").acquire());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("promptly").isLessThan(Duration.ofSeconds(5));
        assertThat(thrown)
                .isInstanceOf(LockFailedException.class)
                .hasMessageContaining("could not get a connection from the DataSource for the lock")
                .hasMessageContaining("fault-pool-b")
                .hasCauseInstanceOf(SQLTransientConnectionException.class);
        // A try with a short wait cannot wait for the pool less than the pool's own connectionTimeout: it fails too.
        assertThat(failureOnAnotherThread(() -> locks.advisory("fault-pool-c").tryAcquire(Duration.ofMillis(50))))
                .isInstanceOf(LockFailedException.class)
                .hasMessageContaining("could not get a connection");
        // The same key needs no second connection: the request queues locally and times out as a lock wait does.
        assertThat(threads.start(
                                "same-key", () -> locks.advisory("fault-pool-a").tryAcquire(Duration.ofMillis(300)))
                        .get(10, TimeUnit.SECONDS))
                .isEmpty();
        // The holder's own thread needs a second connection for a table transaction: it fails instead of deadlocking
        // on itself, and still reads the server through its pinned connection.
        assertThatThrownBy(() -> locks.tables().write("fault_restart").inTransaction(c -> "never"))
                .isInstanceOf(LockFailedException.class)
                .hasMessageContaining("could not get a connection");
        assertThat(locks.advisory("fault-pool-a").holderConnectionIds()).containsExactly(pinned.connectionId());

        pinned.release();
        Holder other =
                Holder.start(() -> Optional.of(locks.advisory("fault-pool-b").acquire()));
        assertThat(other.acquired().get(10, TimeUnit.SECONDS)).isPositive();
        other.release();
        try (LockHandle again = locks.advisory("fault-pool-a").acquire()) {
            assertThat(again.isHeld()).isTrue();
        }
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
    }

    private Throwable failureOnAnotherThread(Supplier<?> request) throws Exception {
        try {
            Object result = threads.start("another-thread", request::get).get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + result);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aStatementTimeoutDuringAWaitFailsTheWaiterCleanly() throws Exception {
        HikariDataSource pool =
                pool(1, postgres ? "SET statement_timeout = '300ms'" : "SET SESSION max_statement_time = 0.3");
        DbLocks locks = DbLocks.create(pool);
        String state = postgres ? "57014" : "70100"; // query_canceled; MariaDB: GET_LOCK returned NULL
        try (LockHandle blocker = otherNode.advisory("fault-stmt").acquire()) {
            assertThatThrownBy(() -> locks.advisory("fault-stmt").acquire())
                    .isInstanceOfSatisfying(LockFailedException.class, e -> {
                        assertThat(e.getMessage())
                                .contains("cancelled")
                                .contains(postgres ? "statement_timeout" : "max_statement_time")
                                .contains("fault-stmt");
                        assertThat(e.sqlState()).contains(state);
                        assertThat(e.waited())
                                .hasValueSatisfying(w -> assertThat(w).isGreaterThanOrEqualTo(Duration.ofMillis(250)));
                    });
            // The statement timeout is shorter than the lock's wait: that is a failure, not "not granted".
            assertThatThrownBy(() -> locks.advisory("fault-stmt").tryAcquire(Duration.ofSeconds(5)))
                    .isInstanceOf(LockFailedException.class);
            // Several keys, the first one free: the cancelled request gives the free one back.
            assertThatThrownBy(() -> locks.advisory(LockKey.of(1L), LockKey.of("fault-stmt"))
                            .acquire())
                    .isInstanceOf(LockFailedException.class);
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
            try (Connection c = pool.getConnection()) {
                assertThat(OwnLocks.of(c, postgres))
                        .as("the waiter's connection holds and awaits nothing")
                        .isEmpty();
            }
            assertThat(otherNode.advisory(1L).isLocked()).isFalse();
            assertThat(otherNode.advisory("fault-stmt").holderConnectionIds()).containsExactly(blocker.connectionId());
        }
        Holder after =
                Holder.start(() -> Optional.of(locks.advisory("fault-stmt").acquire()));
        assertThat(after.acquired().get(10, TimeUnit.SECONDS)).isPositive();
        after.release();
    }

    private HikariDataSource pool(int size, String initSql) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(250); // HikariCP's minimum
        if (initSql != null) {
            config.setConnectionInitSql(initSql);
        }
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }
}
