package io.dblock.testing;

import static io.dblock.testing.EmbeddedPostgresTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresReplicationTest {

    private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(15);

    @BeforeAll
    static void requireEmbeddedBinaries() {
        assumeTrue(PostgresReplication.unavailableReason().isEmpty(), () -> PostgresReplication.unavailableReason()
                .orElseThrow());
    }

    @Test
    void replicaStreamsGrantsAdvisoryLocksAndSurvivesAPromotion() throws Exception {
        PostgresReplication replication = PostgresReplication.start();
        int primaryPort = replication.primaryPort();
        int replicaPort = replication.replicaPort();
        try (replication) {
            TestDatabase primary = replication.primary();
            TestDatabase replica = replication.replica();
            assertThat(primaryPort).isNotEqualTo(replicaPort);
            assertThat(primary.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + primaryPort + "/dblock");
            assertThat(replica.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + replicaPort + "/dblock");
            assertThat(replication.multiHostUrl("targetServerType=primary"))
                    .isEqualTo("jdbc:postgresql://127.0.0.1:" + primaryPort + ",127.0.0.1:" + replicaPort
                            + "/dblock?targetServerType=primary");
            assertThat(primary.engine()).isEqualTo("PostgreSQL");
            assertThat(replica.serverVersion())
                    .isEqualTo(primary.serverVersion())
                    .startsWith("17.");
            assertThat(query(primary.dataSource(), "SHOW wal_level")).isEqualTo("replica");
            assertThat(query(primary.dataSource(), "SHOW deadlock_timeout")).isEqualTo("100ms");

            execute(primary.dataSource(), "CREATE TABLE replicated (v int)");
            execute(primary.dataSource(), "INSERT INTO replicated VALUES (1)");
            awaitRows(replica.dataSource(), 1);

            assertThat(query(replica.dataSource(), "SELECT pg_is_in_recovery()"))
                    .isEqualTo("t");
            assertThat(query(primary.dataSource(), "SELECT pg_is_in_recovery()"))
                    .isEqualTo("f");
            assertThatThrownBy(() -> execute(replica.dataSource(), "INSERT INTO replicated VALUES (2)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("read-only transaction");
            // The hazard: a hot standby grants advisory locks of its own, whatever the primary's sessions hold.
            try (Connection onPrimary = primary.dataSource().getConnection();
                    Connection onReplica = replica.dataSource().getConnection()) {
                assertThat(query(onPrimary, "SELECT pg_try_advisory_lock(42)")).isEqualTo("t");
                assertThat(query(onReplica, "SELECT pg_try_advisory_lock(42)")).isEqualTo("t");
                assertThat(replica.advisoryLocks()).hasSize(1);
            }

            replication.restartPrimary();
            assertThat(replication.primaryPort()).isEqualTo(primaryPort);
            execute(primary.dataSource(), "INSERT INTO replicated VALUES (2)");
            awaitRows(replica.dataSource(), 2);

            replication.stopPrimaryImmediately();
            assertThatThrownBy(() -> primary.dataSource().getConnection().close())
                    .isInstanceOf(SQLException.class);
            assertThat(query(replica.dataSource(), "SELECT pg_is_in_recovery()"))
                    .isEqualTo("t");

            replication.promote();
            assertThat(query(replica.dataSource(), "SELECT pg_is_in_recovery()"))
                    .isEqualTo("f");
            assertThat(query(replica.dataSource(), "SELECT string_agg(v::text, ',' ORDER BY v) FROM replicated"))
                    .isEqualTo("1,2");
            execute(replica.dataSource(), "INSERT INTO replicated VALUES (3)");
            assertThat(query(replica.dataSource(), "SELECT count(*) FROM replicated"))
                    .isEqualTo("3");
        }
        assertThatThrownBy(
                        () -> replication.replica().dataSource().getConnection().close())
                .as("the replica after close()")
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(replication::promote).isInstanceOf(IllegalStateException.class);
        replication.close(); // idempotent
    }

    private static void awaitRows(DataSource replica, int rows) throws Exception {
        Await.untilChecked(REPLICATION_TIMEOUT, "the replica to see " + rows + " rows", () -> {
            try {
                return query(replica, "SELECT count(*) FROM replicated").equals(Integer.toString(rows));
            } catch (SQLException tableNotReplicatedYet) {
                return false;
            }
        });
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
