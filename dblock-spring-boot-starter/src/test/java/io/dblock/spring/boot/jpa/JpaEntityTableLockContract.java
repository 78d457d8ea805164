package io.dblock.spring.boot.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.LockUsageException;
import io.dblock.spring.annotation.TableLock;
import io.dblock.testing.Engine;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@code @TableLock(entities = ...)} with Hibernate 6 in a Spring Boot application (issue 26.1): what it means on each
 * engine, decided by what the server allows.
 *
 * <ul>
 *   <li>PostgreSQL: {@code LOCK TABLE} locks the table for the transaction, whatever names later statements use, so
 *       Hibernate's generated SQL (aliased {@code find}, JPQL, inserts) runs inside the locked method.
 *   <li>MySQL/MariaDB: {@code LOCK TABLES} covers a table only under the aliases it lists, and Hibernate aliases every
 *       table it queries: shown here with {@code @TableLock(tables = "parcel")} and {@code em.find}, which the server
 *       refuses with error 1100. So the application with an entity table lock does not start, and the message names
 *       the method and the alternatives.
 * </ul>
 */
abstract class JpaEntityTableLockContract {

    abstract Engine engine();

    private boolean mysqlFamily() {
        return engine() != Engine.POSTGRES;
    }

    private ConfigurableApplicationContext start(Class<?> beans) {
        return new SpringApplicationBuilder(Application.class, beans)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.datasource.url=" + engine().database().jdbcUrl(),
                        "spring.datasource.username=" + engine().database().user(),
                        "spring.datasource.password=" + engine().database().password(),
                        "spring.jpa.hibernate.ddl-auto=create-drop",
                        "spring.datasource.hikari.maximum-pool-size=3",
                        "spring.main.banner-mode=off")
                .run();
    }

    @Test
    void anEntityTableLockRunsHibernatesSqlOnPostgresAndIsRefusedAtStartupOnMysqlFamily() {
        if (mysqlFamily()) {
            assertThatThrownBy(() -> start(EntityLocked.class).close())
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("@TableLock on EntityLocked.")
                    .hasMessageContaining("error 1100")
                    .hasMessageContaining("@AdvisoryLock");
            return;
        }
        try (ConfigurableApplicationContext context = start(EntityLocked.class)) {
            EntityLocked locked = context.getBean(EntityLocked.class);
            assertThat(locked.persistThenFindAndCount(7)).isEqualTo(1);
            assertThat(locked.findAndCount(7)).isEqualTo(1);
        }
    }

    @Test
    void onMysqlFamilyHibernatesAliasesAreNotCoveredByLockTables() {
        if (!mysqlFamily()) {
            return;
        }
        try (ConfigurableApplicationContext context = start(NamedTableLocked.class)) {
            NamedTableLocked locked = context.getBean(NamedTableLocked.class);
            assertThatThrownBy(() -> locked.find(1)).hasStackTraceContaining("was not locked with LOCK TABLES");
        }
    }

    /** Boot's auto-configuration (Hikari, Hibernate, JpaTransactionManager, dblock with its JPA table resolver). */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {}

    /** Locks the entity's table around Hibernate-generated statements. */
    public static class EntityLocked {
        @PersistenceContext
        EntityManager entityManager;

        @Transactional
        @TableLock(entities = Parcel.class)
        public long persistThenFindAndCount(long id) {
            entityManager.persist(new Parcel(id));
            entityManager.flush();
            entityManager.clear();
            return findAndCountInside(id);
        }

        @Transactional
        @TableLock(entities = Parcel.class)
        public long findAndCount(long id) {
            return findAndCountInside(id);
        }

        private long findAndCountInside(long id) {
            assertThat(entityManager.find(Parcel.class, id)).isNotNull();
            return entityManager
                    .createQuery("SELECT count(p) FROM Parcel p WHERE p.id = :id", Long.class)
                    .setParameter("id", id)
                    .getSingleResult();
        }
    }

    /** Locks the table by name (allowed everywhere), then lets Hibernate query it under its alias. */
    public static class NamedTableLocked {
        @PersistenceContext
        EntityManager entityManager;

        @Transactional
        @TableLock(tables = "parcel")
        public Parcel find(long id) {
            return entityManager.find(Parcel.class, id);
        }
    }
}
