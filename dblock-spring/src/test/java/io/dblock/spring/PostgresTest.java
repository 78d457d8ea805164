package io.dblock.spring;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** The engine-neutral contracts ({@link SpringContracts}) on the embedded PostgreSQL. */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresTest extends SpringContracts {}
