package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.DriverUnderTest;
import io.dblock.support.Needs;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@Needs
abstract class PinnedConnectionContract implements DriverUnderTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    HikariDataSource pool;
    DbLocks locks;
    io.dblock.support.Probe probe;

    @BeforeEach
    void setUp(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(db));
        config.setMaximumPoolSize(3);
        pool = new HikariDataSource(config);
        locks = DbLocks.builder(pool).multiplexing(Multiplexing.off()).build(); // one connection per holding thread
        probe = io.dblock.support.Probe.of(db);
    }

    @AfterEach
    void tearDown() {
        pool.close();
    }

    int active() {
        return pool.getHikariPoolMXBean().getActiveConnections();
    }

    @Test
    void aThreadsNestedLocksShareOneConnectionUntilTheLastIsReleased() {
        LockHandle a = locks.advisory("a").acquire();
        LockHandle b = locks.advisory("b").acquire();
        assertThat(b.connectionId()).isEqualTo(a.connectionId());
        assertThat(active()).isEqualTo(1);
        a.release();
        assertThat(active()).isEqualTo(1);
        assertThat(locks.advisory("b").holderConnectionIds()).containsExactly(a.connectionId());
        b.release();
        assertThat(active()).isZero();
    }

    @Test
    void differentThreadsPinDifferentConnections() throws Exception {
        try (LockHandle mine = locks.advisory("a").acquire()) {
            long theirs = threads.start("other-thread", () -> {
                        try (LockHandle h = locks.advisory("b").acquire()) {
                            return h.connectionId();
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            assertThat(theirs).isNotEqualTo(mine.connectionId());
        }
    }

    @Test
    void aFailedUnlockDiscardsTheConnectionInsteadOfPoolingIt() {
        LockHandle h = locks.advisory("doomed").acquire();
        long pid = h.connectionId();
        probe.terminate(pid);
        Await.until(Duration.ofSeconds(5), "the session is gone", () -> !probe.alive(pid));
        // the unlock fails on the dead connection: dblock discards it and says the hold ended before its release
        org.assertj.core.api.Assertions.assertThatThrownBy(h::release)
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining("doomed")
                .hasCauseInstanceOf(java.sql.SQLException.class);
        assertThat(h.isHeld()).isFalse();
        assertThat(active()).isZero();
        try (LockHandle again = locks.advisory("doomed").acquire()) {
            assertThat(again.connectionId()).isNotEqualTo(pid);
        }
    }

    @Test
    void noPooledConnectionIsHandedOutWithALockHeld() throws Exception {
        for (int i = 0; i < 20; i++) {
            locks.advisory("p" + i).acquire().close();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(locks.advisory("p" + i).holderConnectionIds())
                    .as("holders of p" + i)
                    .isEmpty();
        }
        assertThat(active()).isZero();
    }
}
