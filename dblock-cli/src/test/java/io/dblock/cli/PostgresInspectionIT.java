package io.dblock.cli;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** The inspection commands of the jar against the embedded PostgreSQL. */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresInspectionIT extends InspectionCommandsContract {

    PostgresInspectionIT() {
        super(InspectedEngine.POSTGRES);
    }
}
