package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresListenerTest extends ListenerContract {}
