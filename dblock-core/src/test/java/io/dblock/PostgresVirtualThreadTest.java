package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresVirtualThreadTest extends VirtualThreadContract {}
