package io.dblock.inspect;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

@DatabaseTest(engine = Engine.POSTGRES)
class PostgresInspectorTest extends InspectorContract {}
