package io.dblock.mysql;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** MySQL-family integrity on MariaDB 11.4 (embedded). */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114IntegrityTest extends MySqlIntegrityContract {}
