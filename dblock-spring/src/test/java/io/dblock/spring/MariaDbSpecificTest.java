package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.LockUsageException;
import io.dblock.UnsupportedLockException;
import io.dblock.spring.support.SpringFixture;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** What only MySQL/MariaDB do: LOCK TABLES must come first, named locks are exclusive only. */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDbSpecificTest extends SpringFixture {

    DbLocks locks;
    TransactionalLocks txLocks;

    @BeforeEach
    void setUp() {
        locks = DbLocks.create(dataSource);
        txLocks = new TransactionalLocks(locks, dataSource);
        createTable("spring_tx_table");
    }

    @Test
    void lockTablesAfterTheTransactionHasDoneWorkIsRefusedAndTheWorkIsKept() {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        transactionTemplate().executeWithoutResult(status -> {
            jdbc.update("INSERT INTO spring_tx_table (id) VALUES (1)");
            assertThatThrownBy(() -> txLocks.acquire(locks.tables("spring_tx_table")))
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("silently commit");
        });
        assertThat(jdbc.queryForObject("SELECT count(*) FROM spring_tx_table", Integer.class))
                .isEqualTo(1);
        assertThat(tableFreeElsewhere("spring_tx_table")).isTrue();
    }

    @Test
    void sharedNamedLocksDoNotExist() {
        assertThatThrownBy(() -> locks.advisory("a").shared()).isInstanceOf(UnsupportedLockException.class);
    }

    @Test
    void aTransactionBoundNamedLockIsASessionLockOfTheTransactionConnection() {
        transactionTemplate().executeWithoutResult(status -> {
            txLocks.acquire(locks.advisory("tx:named"));
            long id = transactionConnectionId();
            assertThat(queryInt("SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID = " + id))
                    .isEqualTo(1);
            assertThat(locks.advisory("tx:named").holderConnectionIds()).containsExactly(id);
        });
        assertThat(heldElsewhere("tx:named")).isFalse();
    }

    /**
     * {@code @TableLock(entities = ...)} is refused at startup on MariaDB: Hibernate's aliases would make every JPA
     * statement inside fail with error 1100 (before: the context started, and the first JPA read failed).
     */
    @Test
    void entityTableLocksAreRefusedAtStartupNamingTheAlternatives() {
        Throwable failure =
                org.assertj.core.api.Assertions.catchThrowable(() -> context(Configs.Defaults.class, KeyedJobs.class));
        assertThat(failure).as("startup failure").isNotNull();
        Throwable cause = failure;
        while (cause != null && !(cause instanceof LockUsageException)) {
            cause = cause.getCause();
        }
        assertThat(cause)
                .as("a LockUsageException in the cause chain of " + failure)
                .isNotNull()
                .hasMessageContainingAll("KeyedJobs.entityTables", "alias", "@AdvisoryLock", "PESSIMISTIC_WRITE");
    }
}
