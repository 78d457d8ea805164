package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDbInjectionTest extends InjectionContract {

    @Override
    Engine engine() {
        return Engine.MARIADB_11_4;
    }

    @Test
    @DatabaseTest(engine = Engine.MARIADB_10_11)
    void aMethodAnnotationWins(TestDatabase database) {
        assertThat(database.serverVersion()).startsWith("10.11.");
    }

    @Nested
    @DatabaseTest(engine = Engine.POSTGRES)
    class ANestedClassAnnotationWins {

        @Test
        void injectsItsOwnEngine(TestDatabase database) {
            assertThat(database.engine()).isEqualTo("PostgreSQL");
        }
    }
}
