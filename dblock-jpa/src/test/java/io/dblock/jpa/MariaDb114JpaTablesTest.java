package io.dblock.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.TableName;
import io.dblock.jpa.model.Book;
import io.dblock.jpa.model.PurchaseOrder;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link JpaTables} on MariaDB 11.4: the catalog (the database) qualifies names, unquoted names keep their case (the
 * server runs with {@code lower_case_table_names=0}, the Linux default).
 */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114JpaTablesTest extends JpaTablesContract {

    MariaDb114JpaTablesTest() {
        super(EngineTables.MARIADB);
    }

    @Test
    void catalogIsTheDatabaseThatQualifiesTheTable() {
        assertThat(JpaTables.of(emf, Book.class)).containsExactly(TableName.of(EngineTables.ARCHIVE, "book"));
    }

    @Test
    void defaultCatalogSettingQualifiesUnqualifiedTables() throws Exception {
        Map<String, Object> settings = Map.of("hibernate.default_catalog", EngineTables.ARCHIVE);
        try (EntityManagerFactory archive =
                TestPersistenceUnit.open(dataSource, List.of(PurchaseOrder.class), settings)) {
            TableName[] tables = JpaTables.of(archive, PurchaseOrder.class);
            assertThat(tables).containsExactly(TableName.of(EngineTables.ARCHIVE, "PurchaseOrder"));
            assertLockable(tables);
        }
    }
}
