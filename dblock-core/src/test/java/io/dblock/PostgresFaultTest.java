package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresFaultTest extends FaultContract {}
