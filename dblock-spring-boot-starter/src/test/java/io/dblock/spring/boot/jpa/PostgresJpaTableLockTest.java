package io.dblock.spring.boot.jpa;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link JpaTableLockContract} on {@link Engine#POSTGRES}. */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresJpaTableLockTest extends JpaTableLockContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        dataSourceProperties(registry, Engine.POSTGRES);
    }
}
