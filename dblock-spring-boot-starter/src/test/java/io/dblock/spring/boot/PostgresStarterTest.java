package io.dblock.spring.boot;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link StarterContract} on the embedded PostgreSQL server. */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresStarterTest extends StarterContract {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        dataSourceProperties(registry, Engine.POSTGRES);
    }
}
