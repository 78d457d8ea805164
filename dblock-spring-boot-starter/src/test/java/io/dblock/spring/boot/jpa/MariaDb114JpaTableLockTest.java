package io.dblock.spring.boot.jpa;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link JpaTableLockContract} on {@link Engine#MARIADB_11_4}. */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114JpaTableLockTest extends JpaTableLockContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        dataSourceProperties(registry, Engine.MARIADB_11_4);
    }
}
