package io.dblock.mysql;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** Lock names and tokens across drivers and charsets on MariaDB 10.11 (embedded). */
@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011CharsetTest extends MySqlCharsetContract {}
