package io.dblock.spring.boot4;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** {@link SpringIntegration7Contracts} on the embedded MariaDB 11.4. */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDbSpringIntegration7Test extends SpringIntegration7Contracts {}
