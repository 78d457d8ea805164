package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresPoolSafetyTest extends PoolSafetyContract {}
