package io.dblock.mysql;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** Lock names and tokens across drivers and charsets on MariaDB 11.4 (embedded). */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114CharsetTest extends MySqlCharsetContract {}
