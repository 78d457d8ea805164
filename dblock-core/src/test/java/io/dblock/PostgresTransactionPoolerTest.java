package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.support.StatementRoutingDataSource;
import io.dblock.testing.Await;
import io.dblock.testing.PostgresTest;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Behind a pooler in transaction mode a session lock stays on whichever server session took it: dblock cannot prevent
 * that, but it says what happened instead of a bare "not held", and transaction-scoped locks keep working.
 */
@PostgresTest
class PostgresTransactionPoolerTest {

    @Test
    void releasingThroughAnotherServerSessionNamesThePooler(DataSource dataSource) throws Exception {
        DbLocks plain = DbLocks.create(dataSource);
        try (StatementRoutingDataSource pooler = new StatementRoutingDataSource(dataSource, 2)) {
            DbLocks behindPooler =
                    DbLocks.builder(pooler).watchdog(Duration.ZERO).build();
            LockHandle h = behindPooler.advisory("pooled").acquire();
            long takenBy = h.connectionId();
            assertThatThrownBy(h::release)
                    .isInstanceOf(LockLostException.class)
                    .hasMessageContaining("taken by server session " + takenBy)
                    .hasMessageContaining("pooler in transaction mode")
                    .hasMessageContaining("acquireForTransaction");
            assertThat(plain.advisory("pooled").holderConnectionIds())
                    .as("the lock stayed behind on the session that took it, as it would behind PgBouncer")
                    .containsExactly(takenBy);
        }
        Await.until(Duration.ofSeconds(10), "the pooler's sessions to end and drop the lock", () -> !plain.advisory(
                        "pooled")
                .isLocked());
    }
}
