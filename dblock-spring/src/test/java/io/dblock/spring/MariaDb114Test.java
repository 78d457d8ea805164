package io.dblock.spring;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** The engine-neutral contracts ({@link SpringContracts}) on the embedded MariaDB 11.4. */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114Test extends SpringContracts {}
