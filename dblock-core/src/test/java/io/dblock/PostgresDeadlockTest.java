package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresDeadlockTest extends DeadlockContract {}
