package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.spi.TableLocks;
import io.dblock.support.Needs;
import io.dblock.support.Probe;
import io.dblock.support.Server;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a LockListener hears, on every engine. */
@Needs(TableLocks.class)
abstract class ListenerContract {

    /** Events as "method outcome kind lock". */
    final List<String> heard = new CopyOnWriteArrayList<>();

    /** The events heard as lost. */
    final List<LockEvent> lostEvents = new CopyOnWriteArrayList<>();

    DataSource dataSource;
    DbLocks locks;
    DbLocks otherNode;
    Probe probe;

    @BeforeEach
    void setUp(DataSource dataSource, TestDatabase db) {
        this.dataSource = dataSource;
        locks = DbLocks.builder(dataSource)
                .listener(new LockListener() {
                    @Override
                    public void acquired(LockEvent e) {
                        heard.add("acquired " + e.outcome() + " " + e.kind() + " " + e.lock());
                    }

                    @Override
                    public void notAcquired(LockEvent e) {
                        heard.add("notAcquired " + e.outcome() + " " + e.kind() + " " + e.lock()
                                + e.failure()
                                        .map(f -> " " + f.getClass().getSimpleName())
                                        .orElse(""));
                    }

                    @Override
                    public void released(LockEvent e, Duration held) {
                        assertThat(held.isNegative()).isFalse();
                        heard.add("released " + e.kind() + " " + e.lock());
                    }

                    @Override
                    public void lost(LockEvent e) {
                        lostEvents.add(e);
                        heard.add("lost " + e.kind() + " " + e.lock());
                    }
                })
                .listener(new LockListener() {
                    @Override
                    public void acquired(LockEvent e) {
                        throw new IllegalStateException("a broken listener must not break locking");
                    }
                })
                .build();
        otherNode = DbLocks.create(dataSource);
        probe = Probe.of(db);
        new Server(dataSource).execute("CREATE TABLE IF NOT EXISTS heard (v int)");
    }

    @Test
    void acquireAndReleaseAreHeard() {
        locks.advisory("l1").acquire().close();
        assertThat(heard)
                .containsExactly(
                        "acquired ACQUIRED SESSION_ADVISORY advisory \"l1\"",
                        "released SESSION_ADVISORY advisory \"l1\"");
    }

    @Test
    void aRefusedTryAndATimedOutAcquireAreHeardAsTimeouts() {
        try (LockHandle blocker = otherNode.advisory("l2").acquire()) {
            assertThat(locks.advisory("l2").tryAcquire()).isEmpty();
            assertThatThrownBy(() ->
                            locks.advisory("l2").timeout(Duration.ofMillis(50)).acquire())
                    .isInstanceOf(LockTimeoutException.class);
        }
        // a refused try is no error; a timed wait that the server ended with an error (PostgreSQL's 55P03) is heard
        // with that LockTimeoutException, one that ended with an answer (MySQL's GET_LOCK 0) without one
        assertThat(heard).hasSize(2);
        assertThat(heard.get(0)).isEqualTo("notAcquired TIMEOUT SESSION_ADVISORY advisory \"l2\"");
        assertThat(heard.get(1))
                .isIn(
                        "notAcquired TIMEOUT SESSION_ADVISORY advisory \"l2\"",
                        "notAcquired TIMEOUT SESSION_ADVISORY advisory \"l2\" LockTimeoutException");
    }

    @Test
    void tableLocksAreHeardWithoutARelease() {
        locks.tables().write("heard").inTransaction(c -> null);
        assertThat(heard).singleElement().asString().startsWith("acquired ACQUIRED TABLE tables");
    }

    @Test
    void aLostLockIsHeardAsLostNotReleased() {
        LockHandle h = locks.advisory("l3").acquire();
        probe.terminate(h.connectionId());
        Await.until(Duration.ofSeconds(5), "the session is gone", () -> !probe.alive(h.connectionId()));
        // the unlock fails on the dead connection: dblock discards it, and the release says the hold was lost
        assertThatThrownBy(h::release).isInstanceOf(LockLostException.class);
        assertThat(heard)
                .containsExactly(
                        "acquired ACQUIRED SESSION_ADVISORY advisory \"l3\"", "lost SESSION_ADVISORY advisory \"l3\"");
    }

    @Test
    void aRevokedHoldIsFreedOnTheServerThenHeardAsLostWithItsReason() throws Exception {
        LockHandle h = locks.advisory("l4").acquire();
        List<Boolean> freeWhenTold = new CopyOnWriteArrayList<>();
        h.onLost(lost -> freeWhenTold.add(otherNode
                .advisory("l4")
                .tryAcquire()
                .map(taken -> {
                    taken.close();
                    return true;
                })
                .orElse(false)));

        assertThatThrownBy(() -> h.revoke(" ")).isInstanceOf(IllegalArgumentException.class);
        try (TestThreads threads = new TestThreads()) {
            TestThreads.TestThread<Void> other = threads.start("revokes-elsewhere", () -> {
                h.revoke("from another thread");
                return null;
            });
            assertThatThrownBy(() -> other.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(LockUsageException.class);
        }
        assertThat(h.isHeld()).as("refused revocations change nothing").isTrue();
        assertThat(heard).containsExactly("acquired ACQUIRED SESSION_ADVISORY advisory \"l4\"");

        h.revoke("the lease of l4 ran out");

        assertThat(freeWhenTold)
                .as("the key was free for another node when onLost ran")
                .containsExactly(true);
        assertThat(heard).endsWith("lost SESSION_ADVISORY advisory \"l4\"");
        assertThat(lostEvents).singleElement().satisfies(e -> assertThat(e.failure())
                .get()
                .isInstanceOf(LockLostException.class)
                .extracting(Throwable::getMessage)
                .asString()
                .contains("the lease of l4 ran out"));
        assertThat(h.isHeld()).isFalse();
        assertThatThrownBy(h::release).isInstanceOf(LockUsageException.class);
        assertThatThrownBy(() -> h.revoke("again")).isInstanceOf(LockUsageException.class);
        h.close();
    }

    @Test
    void errorsAreHeardWithTheirException() {
        assertThatThrownBy(() -> locks.tables().write("no_such_table_heard").inTransaction(c -> null))
                .isInstanceOf(LockUsageException.class);
        assertThat(heard)
                .singleElement()
                .asString()
                .startsWith("notAcquired ERROR TABLE")
                .endsWith("LockUsageException");
    }
}
