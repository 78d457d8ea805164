package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contracts of an embedded MariaDB: {@link MySqlContracts}, and what MariaDB's lock names do that MySQL's do not.
 */
abstract class MariaDbContracts extends MySqlContracts {

    @Nested
    class Fencing extends FencingContract {
        /** MariaDB compares lock names as bytes, so case matters; the token rows (binary keys) follow the locks. */
        @Test
        void namesDifferingOnlyInCaseAreTwoLocksWithTwoSequences() {
            try (LockHandle h =
                    locks.advisory(key.toUpperCase(Locale.ROOT)).fenced().acquire()) {
                assertThat(h.fencingToken()).hasValue(1L);
            }
            try (LockHandle h = locks.advisory(key).fenced().acquire()) {
                assertThat(h.fencingToken()).hasValue(1L);
            }
        }
    }
}
