package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.testing.PostgresTest;
import io.dblock.testing.TestThreads;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@PostgresTest
class PostgresPriorityTest extends PriorityContract {

    /** Cancel suffices when the blocker is running a statement in the transaction that holds the lock. */
    @Test
    void cancellingABusyHoldersStatementEndsItsTransactionAndFreesTheTable() throws Exception {
        TestThreads.TestThread<Throwable> busy = threads.start("busy-holder", () -> {
            try {
                locks.tables().write("prio").inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT pg_sleep(60)");
                    }
                    return null;
                });
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        io.dblock.testing.Await.until(
                Duration.ofSeconds(10),
                "the holder sleeps",
                () -> server.queryInt("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'")
                        == 1);
        String result = DbLocks.create(dataSource)
                .tables()
                .write("prio")
                .prioritised(Priority.cancelBlockers().checkEvery(Duration.ofMillis(50)))
                .timeout(Duration.ofSeconds(30))
                .inTransaction(c -> "mine");
        assertThat(result).isEqualTo("mine");
        assertThat(busy.get(10, TimeUnit.SECONDS)).hasMessageContaining("cancel");
    }
}
