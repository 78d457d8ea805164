package io.dblock.mysql;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** MySQL-family integrity on the external MySQL or MariaDB server of DBLOCK_TEST_MYSQL_URL (skipped when unset). */
@DatabaseTest(engine = Engine.MYSQL_EXTERNAL)
class MySqlExternalIntegrityTest extends MySqlIntegrityContract {}
