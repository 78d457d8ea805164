package com.example;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

@DatabaseTest(engine = Engine.MARIADB_11_4)
class NightlyReportOnMariaDb114Test extends NightlyReportContract {}
