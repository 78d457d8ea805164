package io.dblock.jpa.internal;

import io.dblock.TableName;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.MappingMetamodel;
import org.hibernate.persister.entity.AbstractEntityPersister;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.persister.entity.UnionSubclassEntityPersister;
import org.hibernate.proxy.HibernateProxy;

/**
 * The tables of entity classes, from Hibernate's runtime mapping model.
 *
 * <ol>
 *   <li>{@code MappingMetamodel.findEntityDescriptor(Class)} finds the entity's persister (for a Hibernate proxy class,
 *       the persister of the class it proxies); none means the class is not an entity, and {@link NotAnEntity} says
 *       what it is instead.
 *   <li>{@code AbstractEntityPersister.getTableNames()} lists the tables an instance is written to, as SQL: for {@code
 *       JOINED} root first, then secondary tables. An abstract {@code TABLE_PER_CLASS} class has no table.
 *   <li>{@link RenderedTableName} reads each SQL name back into a {@link TableName}.
 * </ol>
 *
 * <p>Immutable and thread-safe.
 */
public final class HibernateEntityTables {

    private final EntityManagerFactory entityManagerFactory;
    private final MappingMetamodel metamodel;
    private final RenderedTableName names;

    private HibernateEntityTables(
            EntityManagerFactory entityManagerFactory, MappingMetamodel metamodel, RenderedTableName names) {
        this.entityManagerFactory = entityManagerFactory;
        this.metamodel = metamodel;
        this.names = names;
    }

    /**
     * Reads the mapping model of a Hibernate factory.
     *
     * @throws IllegalArgumentException if the factory is not Hibernate's
     */
    public static HibernateEntityTables of(EntityManagerFactory entityManagerFactory) {
        SessionFactoryImplementor factory;
        try {
            factory = entityManagerFactory.unwrap(SessionFactoryImplementor.class);
        } catch (PersistenceException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "dblock-jpa reads table names from Hibernate ORM, but the EntityManagerFactory "
                            + entityManagerFactory.getClass().getName() + " is not Hibernate's (unwrap to"
                            + " SessionFactoryImplementor failed). Use Hibernate as the JPA provider, or pass table"
                            + " names to DbLocks.tables(...)",
                    e);
        }
        return new HibernateEntityTables(
                entityManagerFactory,
                factory.getMappingMetamodel(),
                RenderedTableName.reader(factory.getJdbcServices().getJdbcEnvironment()));
    }

    /**
     * The tables of one entity class, in Hibernate's order.
     *
     * @throws IllegalArgumentException if the class is not an entity with a table of its own
     */
    public List<TableName> tablesOf(Class<?> entity) {
        EntityPersister persister = persisterOf(entity);
        if (!(persister instanceof AbstractEntityPersister mapped)) {
            throw new IllegalArgumentException(entity.getName() + " is persisted by the custom EntityPersister "
                    + persister.getClass().getName()
                    + ", whose tables dblock-jpa cannot read; pass its table names to DbLocks.tables(...)");
        }
        if (mapped instanceof UnionSubclassEntityPersister && mapped.isAbstract()) {
            throw new IllegalArgumentException(entity.getName()
                    + " is an abstract class of a TABLE_PER_CLASS hierarchy, for which Hibernate creates no table;"
                    + " pass its concrete subclasses: " + NotAnEntity.entitySubclasses(entity, entityManagerFactory));
        }
        List<TableName> tables = new ArrayList<>();
        for (String sql : mapped.getTableNames()) {
            tables.add(names.read(sql, entity));
        }
        return tables;
    }

    private EntityPersister persisterOf(Class<?> entity) {
        EntityPersister persister = metamodel.findEntityDescriptor(entity);
        if (persister == null && HibernateProxy.class.isAssignableFrom(entity) && entity.getSuperclass() != null) {
            persister = metamodel.findEntityDescriptor(entity.getSuperclass());
        }
        if (persister == null) {
            throw NotAnEntity.explain(entity, entityManagerFactory);
        }
        return persister;
    }
}
