package io.dblock.spring.boot.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.LockUsageException;
import io.dblock.spring.annotation.TableLock;
import io.dblock.testing.Engine;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@code @TableLock} and JPA work that Hibernate has not flushed yet, in a Spring Boot application with Hibernate 6 and
 * {@code JpaTransactionManager} (issue 26.2).
 *
 * <p>On MySQL/MariaDB {@code LOCK TABLES} commits an open transaction, so dblock refuses it once the transaction has
 * run a statement. A {@code persist} that is not flushed has run nothing, so the table lock must flush the persistence
 * context first: then the refusal comes at the lock, with dblock's message, and nothing is committed. Before that fix,
 * the tables were locked and the held-back insert was committed with them (or failed at commit with error 1100 when its
 * table was not among the locked ones). On PostgreSQL, {@code LOCK TABLE} is an ordinary statement of the transaction
 * and both orders work.
 */
@DirtiesContext // closed after the class, while its server runs: not by a shutdown hook racing the server's own
@SpringBootTest(
        classes = JpaTableLockContract.Application.class,
        properties = {"spring.jpa.hibernate.ddl-auto=create-drop", "spring.datasource.hikari.maximum-pool-size=4"})
public abstract class JpaTableLockContract {

    @Autowired
    Parcels parcels;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DbLocks locks;

    /** Points the application at the engine's embedded server. */
    protected static void dataSourceProperties(DynamicPropertyRegistry registry, Engine engine) {
        registry.add("spring.datasource.url", () -> engine.database().jdbcUrl());
        registry.add("spring.datasource.username", () -> engine.database().user());
        registry.add("spring.datasource.password", () -> engine.database().password());
    }

    @BeforeEach
    void empty() {
        jdbc.update("DELETE FROM parcel");
    }

    private boolean mysqlFamily() {
        return !locks.engineName().equals("PostgreSQL");
    }

    private int parcelRows() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM parcel", Integer.class);
    }

    @Test
    void aPersistNotYetFlushedBeforeLockingItsOwnTable() {
        if (mysqlFamily()) {
            assertThatThrownBy(() -> parcels.persistThenLockParcels(1))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("LOCK TABLES")
                    .hasMessageContaining("lock the tables first");
            assertThat(parcelRows())
                    .as("the refused call's insert is rolled back")
                    .isZero();
        } else {
            parcels.persistThenLockParcels(1);
            assertThat(parcelRows()).isEqualTo(1);
        }
    }

    @Test
    void aPersistNotYetFlushedBeforeLockingAnotherTable() {
        if (mysqlFamily()) {
            assertThatThrownBy(() -> parcels.persistThenLockDepots(2))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("LOCK TABLES");
            assertThat(parcelRows())
                    .as("the refused call's insert is rolled back")
                    .isZero();
        } else {
            parcels.persistThenLockDepots(2);
            assertThat(parcelRows()).isEqualTo(1);
        }
    }

    @Test
    void aTableLockedBeforeTheFirstWriteCoversThePersistAfterIt() {
        parcels.lockThenPersist(3);
        assertThat(parcelRows()).isEqualTo(1);
        parcels.lockThenPersistAndFlush(4);
        assertThat(parcelRows()).isEqualTo(2);
    }

    @Test
    void aFailedLockLeavesNoTablesLockedOnThePooledSessions() {
        if (mysqlFamily()) {
            assertThatThrownBy(() -> parcels.persistThenLockParcels(5)).isInstanceOf(LockUsageException.class);
        }
        // every pooled session can still read a table it did not lock (error 1100 if LOCK TABLES were left behind)
        for (int i = 0; i < 4; i++) {
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM depot d", Integer.class))
                    .isZero();
        }
    }

    /** The application: Boot's auto-configuration (Hikari, Hibernate, JpaTransactionManager, dblock), these beans. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({Parcels.class, Tables.class})
    static class Application {}

    /** The outer transactions: a persist, then a call into a {@code @TableLock} method of another bean. */
    public static class Parcels {
        @PersistenceContext
        EntityManager entityManager;

        @Autowired
        Tables tables;

        @Transactional
        public void persistThenLockParcels(long id) {
            entityManager.persist(new Parcel(id));
            tables.lockParcels();
        }

        @Transactional
        public void persistThenLockDepots(long id) {
            entityManager.persist(new Parcel(id));
            tables.lockDepots();
        }

        @Transactional
        public void lockThenPersist(long id) {
            tables.lockParcels();
            entityManager.persist(new Parcel(id));
        }

        @Transactional
        public void lockThenPersistAndFlush(long id) {
            tables.lockParcels();
            entityManager.persist(new Parcel(id));
            entityManager.flush();
        }
    }

    /** The table locks, joining the caller's transaction. */
    public static class Tables {
        @Transactional
        @TableLock(tables = "parcel", mode = io.dblock.TableLockMode.ACCESS_EXCLUSIVE)
        public void lockParcels() {}

        @Transactional
        @TableLock(tables = "depot")
        public void lockDepots() {}
    }
}
