package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresLeakedHandleTest extends LeakedHandleContract {}
