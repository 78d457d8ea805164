package io.dblock.inspect;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011InspectorTest extends InspectorContract {}
