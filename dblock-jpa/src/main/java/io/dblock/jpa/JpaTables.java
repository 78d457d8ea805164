package io.dblock.jpa;

import io.dblock.TableName;
import io.dblock.jpa.internal.HibernateEntityTables;
import jakarta.persistence.EntityManagerFactory;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Resolves JPA entity classes to the tables they are stored in, so that dblock can lock them.
 *
 * <pre>{@code
 * locks.tables(JpaTables.of(emf, PurchaseOrder.class, Customer.class))
 *      .inTransaction(conn -> ...);                                    // ACCESS EXCLUSIVE / WRITE
 * locks.tables(JpaTables.of(emf, Customer.class)).mode(TableLockMode.SHARE).acquire(connection); // read
 * }</pre>
 *
 * <p>The result is plain {@link TableName}s, so every table-lock feature works with it: modes, timeouts, {@code
 * tryAcquire}, {@code inTransaction}, {@code prioritised}.
 *
 * <h2>Which tables</h2>
 *
 * Every table Hibernate writes an instance of the entity to:
 *
 * <ul>
 *   <li>{@code SINGLE_TABLE} inheritance: the hierarchy's one table;
 *   <li>{@code JOINED}: the tables of the entity's superclasses, root first, then its own table;
 *   <li>{@code TABLE_PER_CLASS}: the entity's own table (an abstract class has none: pass its concrete subclasses);
 *   <li>plus the tables of {@code @SecondaryTable}s declared on the entity or its superclasses.
 * </ul>
 *
 * A superclass's tables never include its subclasses' tables: to keep writers of a subclass out, pass the subclass.
 *
 * <h2>Order and duplicates</h2>
 *
 * Entity by entity in argument order; within an entity, Hibernate's own order: the root table first ({@code JOINED}
 * parents before children, down to the entity's own table), then the secondary tables, a superclass's before the
 * entity's own, each in declaration order. A table that occurs twice is kept at its first occurrence. The order is for
 * reading only: dblock always locks in its canonical order (schema, then name).
 *
 * <h2>Names</h2>
 *
 * The names are the ones Hibernate writes into SQL, after its implicit and physical naming strategies, {@code
 * hibernate.default_schema}/{@code default_catalog} and keyword or global quoting, read back into {@code TableName}
 * parts: quotes removed (dblock quotes itself), quoted names with their exact case, unquoted names in the case the
 * database stores them (Hibernate's {@code IdentifierHelper}: lower case on PostgreSQL, as written on MySQL/MariaDB). The
 * qualifier is the schema on PostgreSQL and the catalog, which is the database, on MySQL and MariaDB; Hibernate drops the
 * other one when it writes SQL, and so does this class. Unqualified names are found through the connection's search
 * path or current database, as Hibernate's SQL is.
 *
 * <h2>Provider</h2>
 *
 * Needs Hibernate ORM as the JPA provider (directly or behind Spring's proxy; tested with 6.6 and 7.2): it reads
 * Hibernate's runtime mapping model through {@code EntityManagerFactory.unwrap(SessionFactoryImplementor.class)}, {@code
 * MappingMetamodel.findEntityDescriptor(Class)}, {@code AbstractEntityPersister.getTableNames()} and {@code
 * JdbcEnvironment.getIdentifierHelper()}, rather than repeating Hibernate's naming rules. Runs no SQL and needs no
 * connection.
 *
 * <p>Stateless and thread-safe: the methods only read the factory's mapping model, which Hibernate does not change after
 * start-up.
 */
public final class JpaTables {

    private static final String HIBERNATE_SPI = "org.hibernate.engine.spi.SessionFactoryImplementor";

    private JpaTables() {}

    /**
     * The tables of {@code entities}, as an array for {@code DbLocks.tables(TableName...)}.
     *
     * @param entityManagerFactory an open Hibernate ORM factory whose persistence unit maps the entities
     * @param entities {@code @Entity} classes (or classes mapped as entities in {@code orm.xml}) of that unit; a
     *     Hibernate proxy class stands for the entity it proxies
     * @return a new array, in the order described on this class, without duplicates; never empty
     * @throws NullPointerException if the factory, the array or one of the classes is null
     * @throws IllegalArgumentException if no class is given, if a class is not an entity of this factory (the message
     *     says what to pass instead: the entities extending a {@code @MappedSuperclass}, the entities embedding an
     *     {@code @Embeddable}, ...), if an entity is mapped to a query rather than a table, or if the factory is not
     *     Hibernate's
     * @throws IllegalStateException if the factory is closed
     */
    public static TableName[] of(EntityManagerFactory entityManagerFactory, Class<?>... entities) {
        return list(entityManagerFactory, entities).toArray(TableName[]::new);
    }

    /**
     * The tables of {@code entities}, as an unmodifiable list; see {@link #of(EntityManagerFactory, Class[])}.
     *
     * @return an unmodifiable list, in the order described on this class, without duplicates; never empty
     */
    public static List<TableName> list(EntityManagerFactory entityManagerFactory, Class<?>... entities) {
        Objects.requireNonNull(entityManagerFactory, "entityManagerFactory must not be null");
        Objects.requireNonNull(entities, "entities must not be null");
        if (entities.length == 0) {
            throw new IllegalArgumentException("no entity classes given: pass at least one @Entity class");
        }
        for (int i = 0; i < entities.length; i++) {
            Objects.requireNonNull(entities[i], "entities[" + i + "] must not be null");
        }
        if (!entityManagerFactory.isOpen()) {
            throw new IllegalStateException("the EntityManagerFactory is closed");
        }
        requireHibernateOnClassPath(entityManagerFactory);
        HibernateEntityTables mapping = HibernateEntityTables.of(entityManagerFactory);
        Set<TableName> tables = new LinkedHashSet<>();
        for (Class<?> entity : entities) {
            tables.addAll(mapping.tablesOf(entity));
        }
        return List.copyOf(tables);
    }

    /** Fails clearly, instead of with NoClassDefFoundError, when the application runs another JPA provider alone. */
    private static void requireHibernateOnClassPath(EntityManagerFactory entityManagerFactory) {
        try {
            Class.forName(HIBERNATE_SPI, false, JpaTables.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(
                    "dblock-jpa reads table names from Hibernate ORM, which is not on the class path; the"
                            + " EntityManagerFactory is a "
                            + entityManagerFactory.getClass().getName()
                            + ". Use Hibernate as the JPA provider, or pass table names to DbLocks.tables(...)",
                    e);
        }
    }
}
