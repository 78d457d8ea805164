package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.support.Server;
import io.dblock.testing.PostgresTest;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@PostgresTest
class PostgresAdvisoryLockTest extends AdvisoryLockContract {

    @BeforeEach
    void setUpPostgres(DataSource dataSource) {
        server = new Server(dataSource);
    }

    @Test
    void stringKeyShowsInPgLocksUnderTheDocumentedIds() {
        try (LockHandle h = locks.advisory("hello").acquire()) {
            assertThat(server.advisoryHolders(245608543L, 3125670444L, 1)).isEqualTo(1);
            assertThat(server.queryInt("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 245608543"))
                    .isEqualTo((int) h.connectionId());
        }
        assertThat(server.advisoryHolders(245608543L, 3125670444L, 1)).isZero();
    }

    @Test
    void longKeyShowsAsHighAndLowWords() {
        try (LockHandle h = locks.advisory(Long.MAX_VALUE).acquire()) {
            assertThat(server.advisoryHolders(2147483647L, 4294967295L, 1)).isEqualTo(1);
        }
    }

    @Test
    void intPairKeyLivesInTheSecondKeySpace() {
        try (LockHandle h = locks.advisory(-1, 5).acquire()) {
            assertThat(server.advisoryHolders(4294967295L, 5L, 2)).isEqualTo(1);
            assertThat(server.advisoryHolders(4294967295L, 5L, 1)).isZero();
        }
    }

    @Test
    void sharedHoldersDoNotBlockEachOtherButBlockExclusive() {
        try (LockHandle a = locks.advisory("report").shared().acquire();
                LockHandle b = otherNode.advisory("report").shared().acquire()) {
            assertThat(a.mode()).isEqualTo(AdvisoryLockMode.SHARED);
            assertThat(locks.advisory("report").holderConnectionIds())
                    .containsExactlyInAnyOrder(a.connectionId(), b.connectionId());
            assertThat(otherNode.advisory("report").tryAcquire()).isEmpty();
        }
        assertThat(locks.advisory("report").isLocked()).isFalse();
    }

    @Test
    void exclusiveHolderBlocksShared() {
        try (LockHandle h = locks.advisory("report").acquire()) {
            assertThat(otherNode.advisory("report").shared().tryAcquire()).isEmpty();
        }
    }

    @Test
    void sharedLockAfterExclusiveOnOneThreadStacksOnItsConnection() {
        try (LockHandle x = locks.advisory("mixed").acquire();
                LockHandle s = locks.advisory("mixed").shared().acquire()) {
            assertThat(s.connectionId()).isEqualTo(x.connectionId());
        }
        assertThat(locks.advisory("mixed").isLocked()).isFalse();
    }
}
