package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresInterruptTest extends InterruptContract {}
