package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresDeadConnectionTest extends DeadConnectionContract {}
