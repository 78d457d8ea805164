package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.junit.jupiter.api.Test;

@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011FencingTest extends FencingContract {

    /** MariaDB compares lock names as bytes, so case matters; the token rows (binary keys) follow the locks. */
    @Test
    void namesDifferingOnlyInCaseAreTwoLocksWithTwoSequences() {
        try (LockHandle h =
                locks.advisory(key.toUpperCase(java.util.Locale.ROOT)).fenced().acquire()) {
            assertThat(h.fencingToken()).hasValue(1L);
        }
        try (LockHandle h = locks.advisory(key).fenced().acquire()) {
            assertThat(h.fencingToken()).hasValue(1L);
        }
    }
}
