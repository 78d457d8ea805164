package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void timesOutWithTheDescription() {
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(50), "the moon to turn blue", () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Timed out after 50 ms: the moon to turn blue");
    }

    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        Await.until(Duration.ofSeconds(5), "three polls", () -> polls.incrementAndGet() == 3);
        assertThat(polls).hasValue(3);
    }

    @Test
    void checksImmediatelyEvenWithZeroTimeout() {
        Await.until(Duration.ZERO, "a condition that already holds", () -> true);
    }

    @Test
    void checkedVariantPropagatesExceptions() {
        assertThatThrownBy(() -> Await.untilChecked(Duration.ofSeconds(5), "a query", () -> {
                    throw new SQLException("boom");
                }))
                .isInstanceOf(SQLException.class)
                .hasMessage("boom");
    }

    @Test
    void checkedVariantTimesOutWithTheDescription() {
        assertThatThrownBy(() -> Await.untilChecked(Duration.ofSeconds(1), "a waiter in pg_locks", () -> null))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Timed out after 1 s: a waiter in pg_locks");
    }
}
