package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.testing.PostgresTest;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad arguments get a specific exception naming the problem, before any SQL runs. */
@PostgresTest
class BadInputTest {

    DbLocks locks;

    @BeforeEach
    void setUp(DataSource dataSource) {
        locks = DbLocks.create(dataSource);
    }

    @Test
    void nullsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> DbLocks.create(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dataSource");
        assertThatThrownBy(() -> locks.advisory((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> locks.advisory(LockKey.of(1L), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> locks.advisory("a").acquireForTransaction(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("connection");
        assertThatThrownBy(() -> locks.tables((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> locks.tables("t").mode(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> locks.advisory("a").withLock(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> locks.advisory("a").tryAcquire(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void emptyNamesAndKeyListsAreRejected() {
        assertThatThrownBy(() -> locks.advisory(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> locks.advisory(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one key");
        assertThatThrownBy(() -> locks.tables("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negativeTimeoutsAreRejectedNotClamped() {
        assertThatThrownBy(() -> locks.advisory("a").timeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative")
                .hasMessageContaining("\"a\"");
        assertThatThrownBy(() -> locks.advisory("a").tryAcquire(Duration.ofSeconds(-5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> locks.tables("t").timeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> DbLocks.builder(new org.h2.jdbcx.JdbcDataSource()).defaultTimeout(Duration.ofDays(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nothingWasLockedByRejectedCalls() {
        assertThat(locks.advisory("a").isLocked()).isFalse();
    }
}
