package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresWatchdogTest extends WatchdogContract {}
