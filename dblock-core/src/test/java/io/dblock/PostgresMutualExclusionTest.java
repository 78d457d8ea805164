package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.testing.PostgresTest;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

@PostgresTest
class PostgresMutualExclusionTest extends MutualExclusionContract {

    @Test
    void transactionAdvisoryLocksLoseNothing() throws Exception {
        int count = race((node, pool) -> {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    node.advisory("mx-xact").acquireForTransaction(c);
                    readGapWrite(c);
                    c.commit(); // the lock ends here, after the write is visible
                } catch (Exception e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
        });
        assertThat(count).isEqualTo(EXPECTED);
    }
}
