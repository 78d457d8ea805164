package io.dblock.testing;

import static io.dblock.testing.EmbeddedPostgresTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** What every embedded MariaDB version must provide; run by one subclass per version. */
abstract class EmbeddedMariaDbContract {

    abstract String version();

    @Test
    void startsOncePerJvmAndVersion(TestDatabase database) {
        EmbeddedMariaDb mariadb = EmbeddedMariaDb.shared(version());
        assertThat(database).isSameAs(mariadb).isSameAs(TestDatabase.mariadb(version()));
        assertThat(mariadb.version()).isEqualTo(version());
        assertThat(mariadb.port()).isPositive();
        assertThat(mariadb.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:" + mariadb.port() + "/dblock");
        assertThat(mariadb.user()).isEqualTo("dblock");
        assertThat(mariadb.password()).isEqualTo("dblock");
        assertThat(mariadb.engine()).isEqualTo("MariaDB");
    }

    @Test
    void answersSelectVersion(TestDatabase database, DataSource dataSource) throws SQLException {
        assertThat(query(dataSource, "SELECT VERSION()")).isEqualTo(version() + "-MariaDB");
        assertThat(database.serverVersion()).isEqualTo(version() + "-MariaDB");
    }

    @Test
    void connectsToTheDblockDatabaseWithAllPrivileges(DataSource dataSource) throws SQLException {
        assertThat(query(dataSource, "SELECT DATABASE()")).isEqualTo("dblock");
        assertThat(query(dataSource, "SELECT CURRENT_USER()")).isEqualTo("dblock@%");
        assertThat(query(dataSource, "SHOW GRANTS")).startsWith("GRANT ALL PRIVILEGES ON *.* TO `dblock`@`%`");
        assertThat(query(dataSource, "SELECT @@character_set_database")).isEqualTo("utf8mb4");
    }

    @Test
    void appliesTestSettings(DataSource dataSource) throws SQLException {
        assertThat(query(dataSource, "SELECT @@performance_schema")).isEqualTo("1");
        assertThat(query(
                        dataSource,
                        "SELECT ENABLED FROM performance_schema.setup_instruments"
                                + " WHERE NAME = 'wait/lock/metadata/sql/mdl'"))
                .isEqualTo("YES");
        assertThat(query(dataSource, "SELECT @@bind_address")).isEqualTo("127.0.0.1");
        assertThat(query(dataSource, "SELECT @@socket"))
                .contains("dblock-embedded-mariadb")
                .endsWith("mariadbd.sock");
        assertThat(query(dataSource, "SELECT @@max_connections")).isEqualTo("300");
        assertThat(query(dataSource, "SELECT @@innodb_flush_log_at_trx_commit")).isEqualTo("0");
        assertThat(query(dataSource, "SELECT @@innodb_buffer_pool_size")).isEqualTo(Long.toString(64L << 20));
        assertThat(query(dataSource, "SELECT @@log_bin")).isEqualTo("0");
        assertThat(query(dataSource, "SELECT @@skip_name_resolve")).isEqualTo("1");
    }

    /** The row dblock reads to list GET_LOCK locks; MySQL 8 shows LOCK_TYPE EXCLUSIVE instead of SHARED_NO_WRITE. */
    @Test
    void showsGetLockInMetadataLocks(TestDatabase database, DataSource dataSource) throws SQLException {
        String longName = "dblock." + "x".repeat(70);
        try (Connection holder = dataSource.getConnection();
                Connection reader = dataSource.getConnection()) {
            String threadId = query(
                    holder, "SELECT THREAD_ID FROM performance_schema.threads WHERE PROCESSLIST_ID = CONNECTION_ID()");
            query(holder, "SELECT GET_LOCK('dblock.x', 0)");
            try (Statement statement = reader.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT OBJECT_TYPE, OBJECT_SCHEMA, OBJECT_NAME, LOCK_TYPE,"
                            + " LOCK_DURATION, LOCK_STATUS, SOURCE, OWNER_THREAD_ID, OWNER_EVENT_ID"
                            + " FROM performance_schema.metadata_locks WHERE OBJECT_TYPE = 'USER LEVEL LOCK'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("OBJECT_TYPE")).isEqualTo("USER LEVEL LOCK");
                assertThat(rs.getString("OBJECT_SCHEMA")).isNull();
                assertThat(rs.getString("OBJECT_NAME")).isEqualTo("dblock.x");
                assertThat(rs.getString("LOCK_TYPE")).isEqualTo("SHARED_NO_WRITE");
                assertThat(rs.getString("LOCK_DURATION")).isEqualTo("EXPLICIT");
                assertThat(rs.getString("LOCK_STATUS")).isEqualTo("GRANTED");
                assertThat(rs.getString("SOURCE")).isEmpty();
                assertThat(rs.getString("OWNER_THREAD_ID")).isEqualTo(threadId);
                assertThat(rs.getLong("OWNER_EVENT_ID")).isPositive();
                assertThat(rs.next()).isFalse();
            }

            // MariaDB locks on the whole name (no 64-character limit as in MySQL) but shows only 64 characters.
            query(holder, "SELECT GET_LOCK('" + longName + "', 0)");
            assertThat(query(reader, "SELECT IS_USED_LOCK('" + longName.substring(0, 64) + "')"))
                    .isNull();
            assertThat(database.userLocks()).extracting(HeldUserLock::name).contains(longName.substring(0, 64));
            // Names are case-sensitive on MariaDB.
            assertThat(query(reader, "SELECT IS_USED_LOCK('DBLOCK.X')")).isNull();
            query(holder, "SELECT RELEASE_ALL_LOCKS()");
        }
    }

    @Test
    void restartKeepsPortSettingsAndDataButEndsEverySession(DataSource dataSource) throws SQLException {
        EmbeddedMariaDb mariadb = EmbeddedMariaDb.shared(version());
        int port = mariadb.port();
        try (Connection holder = dataSource.getConnection();
                Statement statement = holder.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS restart_survivor (v int)");
            statement.execute("DELETE FROM restart_survivor");
            statement.execute("INSERT INTO restart_survivor VALUES (42)");
            query(holder, "SELECT GET_LOCK('dblock.restart', 0)");
            mariadb.restart();
            assertThatThrownBy(() -> statement.execute("SELECT 1"))
                    .as("a connection from before the restart")
                    .isInstanceOf(SQLException.class);
        }
        assertThat(mariadb.port()).isEqualTo(port);
        assertThat(query(dataSource, "SELECT v FROM restart_survivor")).isEqualTo("42");
        assertThat(query(dataSource, "SELECT IS_USED_LOCK('dblock.restart')")).isNull();
        assertThat(query(dataSource, "SELECT @@performance_schema")).isEqualTo("1");
        assertThat(EmbeddedMariaDb.shared(version())).isSameAs(mariadb);
    }

    @Test
    void rootHasNoPasswordlessTcpAccount(DataSource dataSource) throws SQLException {
        assertThat(query(
                        dataSource,
                        "SELECT GROUP_CONCAT(CONCAT(User, '@', Host) ORDER BY User, Host) FROM mysql.global_priv"
                                + " WHERE User IN ('', 'root')"))
                .isEqualTo("root@localhost");
    }
}
