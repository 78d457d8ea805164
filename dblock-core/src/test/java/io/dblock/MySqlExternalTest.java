package io.dblock;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/**
 * The contracts of {@link MySqlContracts} on the external MySQL or MariaDB server of DBLOCK_TEST_MYSQL_URL (skipped
 * when unset); {@link ContractBindingTest} checks them against the engine.
 */
@DatabaseTest(engine = Engine.MYSQL_EXTERNAL)
class MySqlExternalTest extends MySqlContracts {}
