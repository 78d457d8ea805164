package io.dblock;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/**
 * The contracts of {@link MariaDbContracts} on MariaDB 10.11 (embedded); {@link ContractBindingTest} checks them
 * against the engine.
 */
@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011Test extends MariaDbContracts {}
