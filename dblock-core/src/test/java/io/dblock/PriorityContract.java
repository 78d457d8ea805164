package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.spi.Inspection;
import io.dblock.spi.Prioritising;
import io.dblock.spi.SessionControl;
import io.dblock.spi.TableLocks;
import io.dblock.support.Needs;
import io.dblock.support.Probe;
import io.dblock.support.Server;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Prioritised waits remove their blockers (as filtered), and leave them alone otherwise. */
@Needs({Prioritising.class, Inspection.class, SessionControl.class, TableLocks.class})
abstract class PriorityContract {

    @AutoClose
    final TestThreads threads = new TestThreads();

    static final Priority FAST = Priority.terminateBlockers().checkEvery(Duration.ofMillis(50));

    DataSource dataSource;
    DbLocks locks;
    Probe probe;
    Server server;
    final List<Runnable> cleanUp = new ArrayList<>();

    @BeforeEach
    void setUp(DataSource dataSource, TestDatabase db) {
        this.dataSource = dataSource;
        locks = DbLocks.create(dataSource);
        probe = Probe.of(db);
        server = new Server(dataSource);
        server.execute("CREATE TABLE IF NOT EXISTS prio (v int)");
    }

    @AfterEach
    void tearDown() {
        for (int i = cleanUp.size() - 1; i >= 0; i--) {
            cleanUp.get(i).run();
        }
    }

    /** Another node holds {@code name} on its own thread until the test ends; returns its connection id. */
    long holdElsewhere(String name) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Long> id = new CompletableFuture<>();
        TestThreads.TestThread<Void> done = threads.start("holds " + name, () -> {
            try (LockHandle h = DbLocks.create(dataSource).advisory(name).acquire()) {
                id.complete(h.connectionId());
                release.await(60, TimeUnit.SECONDS);
            } catch (Throwable t) {
                id.completeExceptionally(t);
            }
        });
        cleanUp.add(() -> {
            release.countDown();
            done.join(Duration.ofSeconds(30));
        });
        return id.get(10, TimeUnit.SECONDS);
    }

    @Test
    void terminatingTheHolderHandsTheLockToTheWaiter() throws Exception {
        long holder = holdElsewhere("prio-1");
        try (LockHandle mine = locks.advisory("prio-1")
                .prioritised(FAST)
                .timeout(Duration.ofSeconds(30))
                .acquire()) {
            assertThat(mine.isHeld()).isTrue();
            assertThat(locks.advisory("prio-1").holderConnectionIds()).containsExactly(mine.connectionId());
        }
        // a terminated session ends asynchronously: MariaDB may still list it just after its locks are free
        Await.until(Duration.ofSeconds(5), "the terminated holder's session is gone", () -> !probe.alive(holder));
    }

    @Test
    void aFilterThatRejectsTheBlockerLeavesItAlone() throws Exception {
        long holder = holdElsewhere("prio-2");
        assertThat(locks.advisory("prio-2")
                        .prioritised(FAST.onlyIf(session -> false))
                        .tryAcquire(Duration.ofMillis(400)))
                .isEmpty();
        assertThat(probe.alive(holder)).isTrue();
    }

    @Test
    void theGracePeriodComesFirst() throws Exception {
        long holder = holdElsewhere("prio-3");
        assertThat(locks.advisory("prio-3")
                        .prioritised(FAST.after(Duration.ofSeconds(60)))
                        .tryAcquire(Duration.ofMillis(400)))
                .isEmpty();
        assertThat(probe.alive(holder)).isTrue();
    }

    /** The forgotten transaction: a table lock held by a session idle in its transaction. */
    @Test
    void aTableLockWaitEndsASessionIdleInTransaction() throws Exception {
        Connection forgotten = dataSource.getConnection();
        cleanUp.add(() -> {
            try {
                forgotten.close();
            } catch (Exception e) {
                // terminated: closing a dead connection may fail
            }
        });
        forgotten.setAutoCommit(false);
        locks.tables().write("prio").acquire(forgotten);
        try (Statement s = forgotten.createStatement()) {
            s.executeUpdate("INSERT INTO prio VALUES (1)"); // the transaction has done work
        }
        long holder = connectionIdOf(forgotten);

        String result = locks.tables()
                .write("prio")
                .prioritised(FAST.onlyIf(Priority.idleInTransactionFor(Duration.ZERO)))
                .timeout(Duration.ofSeconds(30))
                .inTransaction(c -> "mine now");
        assertThat(result).isEqualTo("mine now");
        // a terminated session ends asynchronously: MariaDB may still list it just after its locks are free
        Await.until(Duration.ofSeconds(5), "the terminated holder's session is gone", () -> !probe.alive(holder));
        assertThat(server.queryInt("SELECT count(*) FROM prio WHERE v = 1")).isZero(); // its work was rolled back
    }

    @Test
    void badPrioritiesAreRejected() {
        assertThatThrownBy(() -> locks.advisory("x").prioritised(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Priority.cancelBlockers().after(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> Priority.cancelBlockers().checkEvery(Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 ms");
        assertThatThrownBy(() -> Priority.idleFor(null)).isInstanceOf(NullPointerException.class);
    }

    long connectionIdOf(Connection c) throws Exception {
        return locks.inspector()
                .locks(io.dblock.inspect.LockFilter.all().table("prio").granted(true))
                .get(0)
                .connectionId();
    }
}
