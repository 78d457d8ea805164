package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresPinnedConnectionTest extends PinnedConnectionContract {}
