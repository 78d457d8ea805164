package io.dblock.inspect;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114InspectorTest extends InspectorContract {}
