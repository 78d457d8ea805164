package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@PostgresTest
class DbLockExtensionTest {

    private static TestDatabase fromBeforeAll;
    private DataSource fromBeforeEach;

    @BeforeAll
    static void beforeAll(TestDatabase database) {
        fromBeforeAll = database;
    }

    @BeforeEach
    void beforeEach(DataSource dataSource) {
        fromBeforeEach = dataSource;
    }

    @Test
    void injectsTheSharedDatabase(TestDatabase database, DataSource dataSource) throws SQLException {
        assertThat(database).isSameAs(TestDatabase.postgres()).isSameAs(fromBeforeAll);
        assertThat(database.engine()).isEqualTo("PostgreSQL");
        assertThat(EmbeddedPostgresTest.query(dataSource, "select 1")).isEqualTo("1");
        assertThat(EmbeddedPostgresTest.query(fromBeforeEach, "select current_database()"))
                .isEqualTo(EmbeddedPostgresTest.query(database.dataSource(), "select current_database()"));
    }

    @Nested
    class WhenNested {

        @Test
        void injectsToo(DataSource dataSource) throws SQLException {
            assertThat(EmbeddedPostgresTest.query(dataSource, "select 2")).isEqualTo("2");
        }
    }
}
