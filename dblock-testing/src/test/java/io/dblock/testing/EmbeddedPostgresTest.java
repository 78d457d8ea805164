package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;

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
