package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.support.Server;
import io.dblock.testing.PostgresTest;
import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@PostgresTest
class PostgresRoundTripTest extends RoundTripContract {

    @BeforeEach
    void createTable(DataSource dataSource) {
        new Server(dataSource).execute("CREATE TABLE IF NOT EXISTS rt (v int)");
    }

    @Test
    void transactionLockAndTableLockAreOneExecutionEach() throws Exception {
        try (Connection c = counting.dataSource().getConnection()) {
            c.setAutoCommit(false);
            assertThat(counting.count(() ->
                            locks.advisory("rt").timeout(Duration.ofSeconds(2)).acquireForTransaction(c)))
                    .isEqualTo(1);
            assertThat(counting.count(() -> locks.advisory("rt2").tryAcquireForTransaction(c)))
                    .isEqualTo(1);
            assertThat(counting.count(() -> locks.tables("rt").acquire(c))).isEqualTo(1);
            assertThat(counting.count(() ->
                            locks.tables("rt").timeout(Duration.ofSeconds(1)).acquire(c)))
                    .isEqualTo(1);
            c.rollback();
        }
    }
}
