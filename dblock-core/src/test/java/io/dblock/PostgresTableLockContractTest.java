package io.dblock;

import io.dblock.testing.PostgresTest;

@PostgresTest
class PostgresTableLockContractTest extends TableLockContract {}
