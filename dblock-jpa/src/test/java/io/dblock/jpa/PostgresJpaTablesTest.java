package io.dblock.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.TableName;
import io.dblock.jpa.model.Invoice;
import io.dblock.jpa.model.LedgerEntry;
import io.dblock.jpa.model.PurchaseOrder;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link JpaTables} on PostgreSQL: schemas qualify names, unquoted names are stored in lower case. */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresJpaTablesTest extends JpaTablesContract {

    PostgresJpaTablesTest() {
        super(EngineTables.POSTGRES);
    }

    @Test
    void schemaQualifiedTablesKeepTheirSchemaAndQuotedPartsTheirCase() {
        assertThat(JpaTables.of(emf, Invoice.class)).containsExactly(TableName.of("billing", "invoice"));
        assertThat(JpaTables.of(emf, LedgerEntry.class)).containsExactly(TableName.of("Sales Dept", "Ledger.Entry"));
    }

    @Test
    void defaultSchemaSettingQualifiesUnqualifiedTables() throws Exception {
        Map<String, Object> settings = Map.of("hibernate.default_schema", "billing");
        try (EntityManagerFactory billing =
                TestPersistenceUnit.open(dataSource, List.of(PurchaseOrder.class), settings)) {
            TableName[] tables = JpaTables.of(billing, PurchaseOrder.class);
            assertThat(tables).containsExactly(TableName.of("billing", "purchaseorder"));
            assertLockable(tables);
        }
    }
}
