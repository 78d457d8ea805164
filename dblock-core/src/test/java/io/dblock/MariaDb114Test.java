package io.dblock;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/**
 * The contracts of {@link MariaDbContracts} on MariaDB 11.4 (embedded); {@link ContractBindingTest} checks them
 * against the engine.
 */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114Test extends MariaDbContracts {}
