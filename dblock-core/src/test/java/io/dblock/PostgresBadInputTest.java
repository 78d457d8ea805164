package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresBadInputTest extends BadInputContract {}
