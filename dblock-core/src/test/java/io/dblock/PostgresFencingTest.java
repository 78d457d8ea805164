package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.testing.PostgresTest;
import org.junit.jupiter.api.Test;

@PostgresTest
class PostgresFencingTest extends FencingContract {

    @Test
    void aNameAndTheNumberItHashesToShareOneSequenceAsTheyShareOneLock() {
        LockKey name = LockKey.of(key);
        LockKey number = LockKey.of(name.longValue());
        try (LockHandle h = locks.advisory(name).fenced().acquire()) {
            assertThat(h.fencingToken()).hasValue(1L);
        }
        try (LockHandle h = locks.advisory(number).fenced().acquire()) {
            assertThat(h.fencingToken()).hasValue(2L);
        }
    }
}
