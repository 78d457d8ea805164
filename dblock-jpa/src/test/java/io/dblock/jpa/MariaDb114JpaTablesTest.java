package io.dblock.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.TableName;
import io.dblock.jpa.model.Book;
import io.dblock.jpa.model.PurchaseOrder;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link JpaTables} on MariaDB 11.4: the catalog (the database) qualifies names, unquoted names keep their case (the
 * server runs with {@code lower_case_table_names=0}, the Linux default).
 */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114JpaTablesTest extends JpaTablesContract {

    static final String ARCHIVE = "dblock_jpa_archive";

    @Override
    List<Class<?>> qualifiedEntities() {
        return List.of(Book.class);
    }

    @Override
    void createNamespaces() throws SQLException {
        Sql.execute(dataSource, "CREATE DATABASE IF NOT EXISTS " + ARCHIVE);
    }

    @Override
    void dropNamespaces() throws SQLException {
        Sql.execute(dataSource, "DROP DATABASE IF EXISTS " + ARCHIVE);
    }

    @Override
    String stored(String unquoted) {
        return unquoted;
    }

    /** Reads performance_schema.metadata_locks: the tables the holder's thread has locked WRITE. */
    @Override
    void assertWriteLockedOnServer(Connection holder, List<TableName> tables) throws SQLException {
        long connectionId = Sql.number(holder, "SELECT CONNECTION_ID()");
        String database = holder.getCatalog();
        try (Connection observer = dataSource.getConnection()) {
            List<TableName> locked = Sql.tables(
                    observer,
                    "SELECT m.OBJECT_SCHEMA, m.OBJECT_NAME FROM performance_schema.metadata_locks m"
                            + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
                            + " WHERE t.PROCESSLIST_ID = ? AND m.OBJECT_TYPE = 'TABLE'"
                            + " AND m.LOCK_TYPE = 'SHARED_NO_READ_WRITE' AND m.LOCK_STATUS = 'GRANTED'",
                    connectionId);
            assertThat(locked)
                    .containsExactlyInAnyOrderElementsOf(tables.stream()
                            .map(t -> TableName.of(t.schema().orElse(database), t.table()))
                            .toList());
        }
    }

    @Test
    void catalogIsTheDatabaseThatQualifiesTheTable() {
        assertThat(JpaTables.of(emf, Book.class)).containsExactly(TableName.of(ARCHIVE, "book"));
    }

    @Test
    void defaultCatalogSettingQualifiesUnqualifiedTables() throws Exception {
        Map<String, Object> settings = Map.of("hibernate.default_catalog", ARCHIVE);
        try (EntityManagerFactory archive =
                TestPersistenceUnit.open(dataSource, List.of(PurchaseOrder.class), settings)) {
            TableName[] tables = JpaTables.of(archive, PurchaseOrder.class);
            assertThat(tables).containsExactly(TableName.of(ARCHIVE, "PurchaseOrder"));
            assertLockable(tables);
        }
    }
}
