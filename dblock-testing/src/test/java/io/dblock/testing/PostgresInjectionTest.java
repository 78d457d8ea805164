package io.dblock.testing;

import static io.dblock.testing.EmbeddedPostgresTest.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link InjectionContract} under {@link PostgresTest}, which counts as {@code @DatabaseTest(engine = POSTGRES)}. */
@PostgresTest
class PostgresInjectionTest extends InjectionContract {

    @Override
    Engine engine() {
        return Engine.POSTGRES;
    }

    @Nested
    class DeclaredInTheBinding {

        @Test
        void injectsTheBindingsEngine(TestDatabase database, DataSource dataSource) throws SQLException {
            assertThat(database.engine()).isEqualTo("PostgreSQL");
            assertThat(query(dataSource, "select current_database()"))
                    .isEqualTo(query(database.dataSource(), "select current_database()"));
        }
    }
}
