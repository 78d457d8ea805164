package io.dblock.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.TableName;
import io.dblock.jpa.model.Invoice;
import io.dblock.jpa.model.LedgerEntry;
import io.dblock.jpa.model.PurchaseOrder;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link JpaTables} on PostgreSQL: schemas qualify names, unquoted names are stored in lower case. */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresJpaTablesTest extends JpaTablesContract {

    @Override
    List<Class<?>> qualifiedEntities() {
        return List.of(Invoice.class, LedgerEntry.class);
    }

    @Override
    void createNamespaces() throws SQLException {
        Sql.execute(dataSource, "CREATE SCHEMA IF NOT EXISTS billing", "CREATE SCHEMA IF NOT EXISTS \"Sales Dept\"");
    }

    @Override
    void dropNamespaces() throws SQLException {
        Sql.execute(
                dataSource, "DROP SCHEMA IF EXISTS billing CASCADE", "DROP SCHEMA IF EXISTS \"Sales Dept\" CASCADE");
    }

    @Override
    String stored(String unquoted) {
        return unquoted.toLowerCase(Locale.ROOT);
    }

    /** Reads pg_locks: the relations on which the holder's backend has a granted ACCESS EXCLUSIVE lock. */
    @Override
    void assertWriteLockedOnServer(Connection holder, List<TableName> tables) throws SQLException {
        int pid = (int) Sql.number(holder, "SELECT pg_backend_pid()");
        try (Connection observer = dataSource.getConnection()) {
            List<TableName> locked = Sql.tables(
                    observer,
                    "SELECT n.nspname, c.relname FROM pg_locks l"
                            + " JOIN pg_class c ON c.oid = l.relation"
                            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                            + " WHERE l.pid = ? AND l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'"
                            + " AND l.granted",
                    pid);
            assertThat(locked)
                    .containsExactlyInAnyOrderElementsOf(tables.stream()
                            .map(t -> TableName.of(t.schema().orElse("public"), t.table()))
                            .toList());
        }
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
