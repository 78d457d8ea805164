package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Advisory (named) session locks: what every engine must do. Subclasses pick the engine. */
@Needs
abstract class AdvisoryLockContract implements DriverUnderTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    DbLocks locks;
    /** A second instance stands for another application node: it shares nothing in memory with {@link #locks}. */
    DbLocks otherNode;

    Server server;
    Probe probe;
    TestDatabase db;
    DataSource dataSource;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        dataSource = dataSource(db);
        probe = Probe.of(db);
        locks = DbLocks.create(dataSource);
        otherNode = DbLocks.create(dataSource);
        server = new Server(dataSource);
    }

    @Test
    void exclusiveHolderExcludesOtherNodes() {
        try (LockHandle h = locks.advisory("job").acquire()) {
            assertThat(otherNode.advisory("job").tryAcquire()).isEmpty();
            assertThat(otherNode.advisory("job").tryAcquire(Duration.ofMillis(50)))
                    .isEmpty();
        }
        try (LockHandle h = otherNode.advisory("job").tryAcquire().orElseThrow()) {
            assertThat(h.isHeld()).isTrue();
        }
    }

    @Test
    void isLockedAndHoldersReflectTheServer() {
        AdvisoryLock lock = locks.advisory(77L);
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.holderConnectionIds()).isEmpty();
        try (LockHandle h = otherNode.advisory(77L).acquire()) {
            assertThat(lock.isLocked()).isTrue();
            assertThat(lock.holderConnectionIds()).containsExactly(h.connectionId());
        }
    }

    @Test
    void allKeysAreTakenTogether() {
        try (LockHandle h = locks.advisory(LockKey.of("a"), LockKey.of(2L), LockKey.of(3, 4))
                .acquire()) {
            assertThat(h.keys()).hasSize(3);
            assertThat(otherNode.advisory(2L).tryAcquire()).isEmpty();
            assertThat(otherNode.advisory(3, 4).tryAcquire()).isEmpty();
        }
        assertThat(locks.advisory(LockKey.of("a"), LockKey.of(2L), LockKey.of(3, 4))
                        .isLocked())
                .isFalse();
    }

    @Test
    void tryThatFailsPartWayReleasesWhatItTook() {
        try (LockHandle blocker = otherNode.advisory(20L).acquire()) {
            AdvisoryLock three = locks.advisory(LockKey.of(10L), LockKey.of(20L), LockKey.of(30L));
            assertThat(three.tryAcquire()).isEmpty();
            assertThat(three.tryAcquire(Duration.ofMillis(100))).isEmpty();
            assertThat(locks.advisory(10L).holderConnectionIds()).isEmpty();
            assertThat(locks.advisory(30L).holderConnectionIds()).isEmpty();
        }
    }

    /**
     * Thousands of keys in one lock (well past PostgreSQL's 1664 entries in one select list): taken at once, tried,
     * waited for and released together, all or nothing.
     */
    @Test
    void aLockOnThousandsOfKeysIsTakenTriedAndReleasedAsOne() {
        List<LockKey> keys = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            keys.add(i % 2 == 0 ? LockKey.of(700_000L + i) : LockKey.of(7, i));
        }
        AdvisoryLock all = locks.advisory(keys.toArray(LockKey[]::new));
        AdvisoryLock last = otherNode.advisory(keys.get(keys.size() - 1));
        try (LockHandle h = all.tryAcquire().orElseThrow()) {
            assertThat(otherNode.advisory(keys.get(0)).holderConnectionIds()).containsExactly(h.connectionId());
            assertThat(last.holderConnectionIds()).containsExactly(h.connectionId());
        }
        assertThat(otherNode.advisory(keys.toArray(LockKey[]::new)).isLocked()).isFalse();
        try (LockHandle h = all.tryAcquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(last.tryAcquire()).isEmpty();
        }
        try (LockHandle h = all.waitForever().acquire()) {
            assertThat(last.tryAcquire()).isEmpty();
        }
        try (LockHandle theirs = last.acquire()) {
            assertThat(all.tryAcquire()).isEmpty();
            assertThat(all.tryAcquire(Duration.ofMillis(50))).isEmpty();
            assertThat(otherNode.advisory(keys.get(0), keys.get(1)).tryAcquire())
                    .as("the keys granted before the busy one were given back")
                    .hasValueSatisfying(LockHandle::close);
        }
        assertThat(otherNode.advisory(keys.toArray(LockKey[]::new)).isLocked()).isFalse();
    }

    @Test
    void duplicateKeysCollapse() {
        assertThat(locks.advisory(LockKey.of(1L), LockKey.of(1L)).keys()).containsExactly(LockKey.of(1L));
    }

    @Test
    void timedWaitHappensOnTheServerAndSucceedsWhenReleased() throws Exception {
        LockHandle blocker = otherNode.advisory("queue").acquire();
        TestThreads.TestThread<Optional<LockHandle>> waiter = threads.start("waiter", () -> {
            Optional<LockHandle> h = locks.advisory("queue").tryAcquire(Duration.ofSeconds(30));
            h.ifPresent(LockHandle::close);
            return h;
        });
        Await.until(
                Duration.ofSeconds(10), "the waiter shows in pg_stat_activity", () -> probe.waitingForNamedLock() == 1);
        blocker.release();
        Optional<LockHandle> got = waiter.get(10, TimeUnit.SECONDS);
        assertThat(got).isPresent();
        assertThat(got.get().waited()).isPositive();
    }

    @Test
    void lockTimeoutBoundsAnAdvisoryWait() {
        try (LockHandle blocker = otherNode.advisory("slow").acquire()) {
            long start = System.nanoTime();
            assertThat(locks.advisory("slow").tryAcquire(Duration.ofMillis(150)))
                    .isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        }
    }

    @Test
    void acquireThrowsLockTimeoutExceptionWithDetails() {
        try (LockHandle blocker = otherNode.advisory("invoice:42").acquire()) {
            assertThatThrownBy(() -> locks.advisory("invoice:42")
                            .timeout(Duration.ofMillis(50))
                            .acquire())
                    .isInstanceOfSatisfying(LockTimeoutException.class, e -> {
                        assertThat(e.lock()).contains("advisory \"invoice:42\"");
                        assertThat(e.engine()).contains(db.engine());
                        assertThat(e.waited()).isPresent();
                        assertThat(e.getMessage()).contains("invoice:42").contains(db.engine());
                        if (db.engine().equals("PostgreSQL")) {
                            assertThat(e.getCause())
                                    .as("the server's lock_timeout error")
                                    .isInstanceOfSatisfying(
                                            java.sql.SQLException.class, cause -> assertThat(cause.getSQLState())
                                                    .isEqualTo("55P03"));
                        } else {
                            assertThat(e.getCause())
                                    .as("GET_LOCK answered 0: no driver error")
                                    .isNull();
                        }
                    });
        }
    }

    @Test
    void defaultTimeoutComesFromTheBuilder() {
        DbLocks impatient = DbLocks.builder(dataSource)
                .defaultTimeout(Duration.ofMillis(30))
                .build();
        assertThat(impatient.defaultTimeout()).contains(Duration.ofMillis(30));
        assertThat(impatient.advisory(1L).timeout()).contains(Duration.ofMillis(30));
        try (LockHandle blocker = otherNode.advisory(1L).acquire()) {
            assertThatThrownBy(() -> impatient.advisory(1L).acquire()).isInstanceOf(LockTimeoutException.class);
        }
    }

    @Test
    void withLockReturnsTheResultAndReleases() {
        int result = locks.advisory("cb").withLock(() -> {
            assertThat(otherNode.advisory("cb").tryAcquire()).isEmpty();
            return 42;
        });
        assertThat(result).isEqualTo(42);
        assertThat(locks.advisory("cb").isLocked()).isFalse();
    }

    @Test
    void withLockReleasesWhenTheWorkThrows() {
        assertThatThrownBy(() -> locks.advisory("cb").runWithLock(() -> {
                    throw new java.io.IOException("boom");
                }))
                .isInstanceOf(java.io.IOException.class);
        assertThat(locks.advisory("cb").isLocked()).isFalse();
    }

    @Test
    void tryWithLockSkipsTheWorkWhenNotGranted() {
        AtomicBoolean ran = new AtomicBoolean();
        try (LockHandle blocker = otherNode.advisory("cb").acquire()) {
            assertThat(locks.advisory("cb").tryWithLock(Duration.ofMillis(20), () -> {
                        ran.set(true);
                        return "x";
                    }))
                    .isEmpty();
            assertThat(locks.advisory("cb").tryRunWithLock(Duration.ZERO, () -> ran.set(true)))
                    .isFalse();
        }
        assertThat(ran).isFalse();
        assertThat(locks.advisory("cb").tryWithLock(Duration.ZERO, () -> "ran")).contains("ran");
    }

    @Test
    void reacquiringAHeldKeyCountsInsteadOfStacking() {
        try (LockHandle outer = locks.advisory("re").acquire()) {
            LockHandle inner = locks.advisory("re").acquire();
            assertThat(inner.connectionId()).isEqualTo(outer.connectionId());
            assertThat(locks.advisory("re").holderConnectionIds()).containsExactly(outer.connectionId());
            inner.release();
            assertThat(otherNode.advisory("re").tryAcquire()).isEmpty();
        }
        assertThat(otherNode.advisory("re").tryAcquire()).hasValueSatisfying(LockHandle::close);
    }

    @Test
    void releasingTwiceIsAUsageError() {
        LockHandle h = locks.advisory("twice").acquire();
        h.release();
        assertThat(h.isHeld()).isFalse();
        assertThatThrownBy(h::release).isInstanceOf(LockUsageException.class).hasMessageContaining("already released");
        h.close(); // close stays idempotent for try-with-resources
    }

    @Test
    void releasingFromAnotherThreadIsAUsageErrorAndKeepsTheLock() throws Exception {
        try (LockHandle h = locks.advisory("mine").acquire()) {
            TestThreads.TestThread<?> other = threads.start("other-thread", h::release);
            assertThatThrownBy(() -> other.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(LockUsageException.class)
                    .hasMessageContaining("thread that acquired it");
            assertThat(h.isHeld()).isTrue();
            assertThat(locks.advisory("mine").isLocked()).isTrue();
        }
    }

    /**
     * The unlock statement's answer is checked: when the lock was released behind dblock's back (here by SQL on the very
     * connection dblock pinned, as a single-connection DataSource allows), release() says so instead of pretending.
     */
    @Test
    void aLockReleasedBehindDblocksBackIsReportedLostAndNobodyElsesLockIsTouched() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            DbLocks onOne = DbLocks.create(OneConnection.of(c));
            LockHandle nobodyHoldsIt = onOne.advisory("lost-1").acquire();
            LockHandle anotherHoldsIt = onOne.advisory("lost-2").acquire();
            try (Statement s = c.createStatement()) {
                s.execute(
                        db.engine().equals("PostgreSQL")
                                ? "SELECT pg_advisory_unlock_all()"
                                : "SELECT RELEASE_ALL_LOCKS()");
            }
            try (LockHandle theirs = otherNode.advisory("lost-2").tryAcquire().orElseThrow()) {
                assertThatThrownBy(anotherHoldsIt::release)
                        .isInstanceOf(LockLostException.class)
                        .hasMessageContaining("did not hold");
                assertThat(otherNode.advisory("lost-2").holderConnectionIds()).containsExactly(theirs.connectionId());
            }
            assertThatThrownBy(nobodyHoldsIt::release)
                    .isInstanceOf(LockLostException.class)
                    .hasMessageContaining("lost-1");
            assertThat(nobodyHoldsIt.isHeld()).isFalse();
            assertThat(anotherHoldsIt.isHeld()).isFalse();
            assertThat(locks.advisory("lost-1").isLocked()).isFalse();
        }
    }

    @Test
    void namesShapedLikeInjectionAreJustKeys() {
        String name = "x'); SELECT RELEASE_ALL_LOCKS(); SELECT pg_advisory_unlock_all(); --\"ünï🔒`";
        try (LockHandle h = locks.advisory(name).acquire()) {
            assertThat(locks.advisory(name).holderConnectionIds()).containsExactly(h.connectionId());
            assertThat(otherNode.advisory(name).tryAcquire()).isEmpty();
        }
        assertThat(locks.advisory(name).isLocked()).isFalse();
    }
}
