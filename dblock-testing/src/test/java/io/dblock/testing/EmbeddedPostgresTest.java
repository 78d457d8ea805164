package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresTest {

    private final EmbeddedPostgres postgres = EmbeddedPostgres.shared();

    @Test
    void startsOncePerJvm() {
        assertThat(EmbeddedPostgres.shared()).isSameAs(postgres);
        assertThat(postgres.port()).isPositive();
        assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/dblock");
        assertThat(postgres.user()).isEqualTo("postgres");
        assertThat(postgres.engine()).isEqualTo("PostgreSQL");
    }

    @Test
    void answersSelectVersion() throws SQLException {
        assertThat(query(postgres.dataSource(), "select version()")).startsWith("PostgreSQL " + postgres.version());
        assertThat(postgres.version()).matches("\\d+\\.\\d+.*");
        assertThat(postgres.serverVersion()).isEqualTo(postgres.version());
    }

    @Test
    void connectsToTheDblockDatabaseAsSuperuser() throws SQLException {
        DataSource dataSource = postgres.dataSource();
        assertThat(query(dataSource, "select current_database()")).isEqualTo("dblock");
        assertThat(query(dataSource, "select current_user")).isEqualTo("postgres");
        assertThat(query(dataSource, "show is_superuser")).isEqualTo("on");
    }

    @Test
    void appliesTestSettings() throws SQLException {
        DataSource dataSource = postgres.dataSource();
        assertThat(query(dataSource, "show deadlock_timeout")).isEqualTo("100ms");
        assertThat(query(dataSource, "show max_connections")).isEqualTo("300");
        assertThat(query(dataSource, "show max_locks_per_transaction")).isEqualTo("256");
        assertThat(query(dataSource, "show fsync")).isEqualTo("off");
        assertThat(query(dataSource, "show listen_addresses")).isEqualTo("127.0.0.1");
    }

    @Test
    void everyConnectionIsANewSession() throws SQLException {
        DataSource dataSource = postgres.dataSource();
        try (Connection first = dataSource.getConnection();
                Connection second = dataSource.getConnection()) {
            assertThat(backendPid(first)).isNotEqualTo(backendPid(second));
        }
    }

    @Test
    void sharedTestDatabaseFollowsTheEnvironment() {
        String external = System.getenv(TestDatabase.POSTGRES_URL_ENV);
        if (external == null || external.isBlank()) {
            assertThat(TestDatabase.postgres()).isSameAs(postgres);
        } else {
            assertThat(TestDatabase.postgres()).isNotInstanceOf(EmbeddedPostgres.class);
            assertThat(TestDatabase.postgres().jdbcUrl()).isEqualTo(external.strip());
        }
    }

    @Test
    void restartKeepsPortSettingsAndDataButEndsEverySession() throws SQLException {
        int port = postgres.port();
        DataSource dataSource = postgres.dataSource();
        try (Connection holder = dataSource.getConnection();
                Statement statement = holder.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS restart_survivor (v int)");
            statement.execute("TRUNCATE restart_survivor");
            statement.execute("INSERT INTO restart_survivor VALUES (42)");
            query(holder, "SELECT pg_advisory_lock(4242)");
            postgres.restart();
            assertThatThrownBy(() -> statement.execute("SELECT 1"))
                    .as("a connection from before the restart")
                    .isInstanceOf(SQLException.class);
        }
        assertThat(postgres.port()).isEqualTo(port);
        assertThat(query(dataSource, "SELECT v FROM restart_survivor")).isEqualTo("42");
        assertThat(query(dataSource, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
                .isEqualTo("0");
        assertThat(query(dataSource, "show deadlock_timeout")).isEqualTo("100ms");
        assertThat(EmbeddedPostgres.shared()).isSameAs(postgres);
    }

    static String query(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return query(connection, sql);
        }
    }

    static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            return rs.getString(1);
        }
    }

    private static int backendPid(Connection connection) throws SQLException {
        return Integer.parseInt(query(connection, "select pg_backend_pid()"));
    }
}
