package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresLocalQueueTest extends LocalQueueContract {}
