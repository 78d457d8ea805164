package io.dblock.spring.boot.jpa;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link JpaTableLockContract} on {@link Engine#MARIADB_10_11}. */
@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011JpaTableLockTest extends JpaTableLockContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        dataSourceProperties(registry, Engine.MARIADB_10_11);
    }
}
