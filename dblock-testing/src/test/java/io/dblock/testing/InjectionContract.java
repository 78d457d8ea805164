package io.dblock.testing;

import static io.dblock.testing.EmbeddedPostgresTest.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Checks that the annotation on a concrete subclass decides what its inherited tests, lifecycle methods and inherited
 * {@code @Nested} classes receive.
 */
abstract class InjectionContract {

    private static TestDatabase fromBeforeAll;
    private DataSource fromBeforeEach;

    abstract Engine engine();

    @BeforeAll
    static void beforeAll(TestDatabase database) {
        fromBeforeAll = database;
    }

    @BeforeEach
    void beforeEach(DataSource dataSource) {
        fromBeforeEach = dataSource;
    }

    @Test
    void injectsTheSubclassEngine(TestDatabase database, DataSource dataSource) throws SQLException {
        assertThat(database).isSameAs(engine().database()).isSameAs(fromBeforeAll);
        assertThat(query(dataSource, "SELECT 1")).isEqualTo("1");
        assertThat(query(fromBeforeEach, "SELECT 2")).isEqualTo("2");
    }

    @Nested
    class DeclaredInTheContract {

        private final TestDatabase fromConstructor;

        DeclaredInTheContract(TestDatabase database) {
            fromConstructor = database;
        }

        @Test
        void injectsTheSubclassEngineToo(TestDatabase database, DataSource dataSource) throws SQLException {
            assertThat(database).isSameAs(engine().database()).isSameAs(fromConstructor);
            assertThat(query(dataSource, "SELECT 3")).isEqualTo("3");
        }
    }
}
