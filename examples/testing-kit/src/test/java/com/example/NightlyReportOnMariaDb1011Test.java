package com.example;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

@DatabaseTest(engine = Engine.MARIADB_10_11)
class NightlyReportOnMariaDb1011Test extends NightlyReportContract {}
