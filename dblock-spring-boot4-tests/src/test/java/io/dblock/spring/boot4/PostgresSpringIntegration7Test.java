package io.dblock.spring.boot4;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** {@link SpringIntegration7Contracts} on the embedded PostgreSQL. */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresSpringIntegration7Test extends SpringIntegration7Contracts {}
