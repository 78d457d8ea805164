package com.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.testing.PostgresTest;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@PostgresTest
class NightlyReportTest {

    @Test
    void onlyOneNodeRunsTheReport(DataSource dataSource) {
        try (DbLocks node1 = DbLocks.create(dataSource);
                DbLocks node2 = DbLocks.create(dataSource)) {
            try (LockHandle held = node1.advisory("nightly-report").acquire()) {
                assertTrue(node2.advisory("nightly-report").tryAcquire().isEmpty(), "node 2 must not run it too");
            }
            node2.advisory("nightly-report").tryAcquire().orElseThrow().release();
        }
    }
}
