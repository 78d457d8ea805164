package io.dblock.spring.boot;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link StarterContract} on the embedded MariaDB 11.4 server. */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114StarterTest extends StarterContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        dataSourceProperties(registry, Engine.MARIADB_11_4);
    }
}
