package io.dblock.mysql;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** MySQL-family integrity on MariaDB 10.11 (embedded). */
@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011IntegrityTest extends MySqlIntegrityContract {}
