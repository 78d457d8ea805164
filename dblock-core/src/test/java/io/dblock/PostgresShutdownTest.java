package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresShutdownTest extends ShutdownContract {}
