package io.dblock;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114LeakedHandleTest extends LeakedHandleContract {}
