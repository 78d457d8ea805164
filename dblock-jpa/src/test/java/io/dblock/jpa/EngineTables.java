package io.dblock.jpa;

import io.dblock.jpa.model.Book;
import io.dblock.jpa.model.Invoice;
import io.dblock.jpa.model.LedgerEntry;
import java.util.List;
import java.util.Locale;

/**
 * What {@link JpaTablesContract} needs of one engine, in that engine's SQL: the entities it maps into qualified tables
 * and the namespaces they live in, how it stores unquoted identifiers, and the queries by which another session sees
 * which tables a session has write-locked.
 *
 * @param qualifiedEntities the entities with engine-specific qualifiers (schema or catalog)
 * @param createNamespaces creates the schemas or databases the qualified entities live in (Hibernate creates only
 *     their tables)
 * @param dropNamespaces drops them again
 * @param lowerCasesUnquoted whether unquoted identifiers are stored in lower case, rather than as written
 * @param sessionId the id of the session that runs it
 * @param defaultNamespace the schema or database that unqualified names of the session that runs it resolve in
 * @param writeLockedTables rows of (schema, table) that the session with the id {@code ?} has write-locked
 */
record EngineTables(
        List<Class<?>> qualifiedEntities,
        List<String> createNamespaces,
        List<String> dropNamespaces,
        boolean lowerCasesUnquoted,
        String sessionId,
        String defaultNamespace,
        String writeLockedTables) {

    /** The database that qualifies {@link Book}'s table on MariaDB. */
    static final String ARCHIVE = "dblock_jpa_archive";

    /** Schemas qualify names; the locks are in pg_locks: granted ACCESS EXCLUSIVE locks on relations. */
    static final EngineTables POSTGRES = new EngineTables(
            List.of(Invoice.class, LedgerEntry.class),
            List.of("CREATE SCHEMA IF NOT EXISTS billing", "CREATE SCHEMA IF NOT EXISTS \"Sales Dept\""),
            List.of("DROP SCHEMA IF EXISTS billing CASCADE", "DROP SCHEMA IF EXISTS \"Sales Dept\" CASCADE"),
            true,
            "SELECT pg_backend_pid()",
            "SELECT current_schema()",
            "SELECT n.nspname, c.relname FROM pg_locks l"
                    + " JOIN pg_class c ON c.oid = l.relation"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE l.pid = ? AND l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'"
                    + " AND l.granted");

    /**
     * The catalog (the database) qualifies names, unquoted names keep their case (the server runs with {@code
     * lower_case_table_names=0}, the Linux default); the locks are in performance_schema.metadata_locks: the tables
     * the session's thread has locked WRITE.
     */
    static final EngineTables MARIADB = new EngineTables(
            List.of(Book.class),
            List.of("CREATE DATABASE IF NOT EXISTS " + ARCHIVE),
            List.of("DROP DATABASE IF EXISTS " + ARCHIVE),
            false,
            "SELECT CONNECTION_ID()",
            "SELECT DATABASE()",
            "SELECT m.OBJECT_SCHEMA, m.OBJECT_NAME FROM performance_schema.metadata_locks m"
                    + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
                    + " WHERE t.PROCESSLIST_ID = ? AND m.OBJECT_TYPE = 'TABLE'"
                    + " AND m.LOCK_TYPE = 'SHARED_NO_READ_WRITE' AND m.LOCK_STATUS = 'GRANTED'");

    /** How the engine stores an unquoted identifier: lower case on PostgreSQL, as written on MariaDB. */
    String stored(String unquoted) {
        return lowerCasesUnquoted ? unquoted.toLowerCase(Locale.ROOT) : unquoted;
    }
}
