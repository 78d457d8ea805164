package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresLockTimeoutScopeTest extends LockTimeoutScopeContract {}
