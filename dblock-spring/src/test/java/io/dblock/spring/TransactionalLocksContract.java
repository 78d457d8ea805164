package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockTimeoutException;
import io.dblock.LockUsageException;
import io.dblock.spring.support.SpringFixture;
import io.dblock.spring.support.TransactionProbe;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** {@link TransactionalLocks}: locks that join the current Spring transaction, on every engine. */
public abstract class TransactionalLocksContract extends SpringFixture {

    DbLocks locks;
    TransactionalLocks txLocks;
    TransactionTemplate template;

    @BeforeEach
    void setUp() {
        locks = DbLocks.create(dataSource);
        txLocks = new TransactionalLocks(locks, dataSource);
        template = transactionTemplate();
        createTable("spring_tx_table");
    }

    @Test
    void advisoryLockLivesOnTheTransactionConnectionUntilCommit() {
        TransactionProbe probe = new TransactionProbe();
        template.executeWithoutResult(status -> {
            txLocks.acquire(locks.advisory("tx:commit"));
            assertThat(heldElsewhere("tx:commit")).isTrue();
            assertThat(locks.advisory("tx:commit").holderConnectionIds()).containsExactly(transactionConnectionId());
            probe.watch(() -> heldElsewhere("tx:commit"));
        });
        assertThat(probe.at("beforeCommit")).as("held before the commit").isTrue();
        // PostgreSQL's COMMIT itself ends the xact lock; MySQL/MariaDB release it in afterCompletion, which runs for
        // dblock before this probe (registered later)
        assertThat(probe.at("afterCommit")).as("held after the commit").isEqualTo(!postgres());
        assertThat(probe.at("afterCompletion")).as("held after completion").isFalse();
        assertThat(heldElsewhere("tx:commit")).isFalse();
    }

    @Test
    void advisoryLockIsReleasedByRollback() {
        TransactionProbe probe = new TransactionProbe();
        template.executeWithoutResult(status -> {
            txLocks.acquire(locks.advisory("tx:rollback"));
            probe.watch(() -> heldElsewhere("tx:rollback"));
            status.setRollbackOnly();
        });
        assertThat(probe.phases()).containsExactly("afterCompletion");
        assertThat(probe.at("afterCompletion")).isFalse();
        assertThat(heldElsewhere("tx:rollback")).isFalse();
    }

    @Test
    void advisoryLockIsReleasedWhenTheWorkThrows() {
        assertThatThrownBy(() -> template.executeWithoutResult(status -> {
                    txLocks.acquire(locks.advisory("tx:throws"));
                    throw new IllegalStateException("boom");
                }))
                .hasMessage("boom");
        assertThat(heldElsewhere("tx:throws")).isFalse();
    }

    @Test
    void tryAcquireFailsWhileAnotherNodeHoldsTheKeyAndTheTransactionGoesOn() {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        try (LockHandle blocker = otherNode.advisory("tx:busy").acquire()) {
            template.executeWithoutResult(status -> {
                assertThat(txLocks.tryAcquire(locks.advisory("tx:busy"))).isFalse();
                assertThat(txLocks.tryAcquire(locks.advisory("tx:busy"), Duration.ofMillis(100)))
                        .isFalse();
                assertThatThrownBy(
                                () -> txLocks.acquire(locks.advisory("tx:busy").timeout(Duration.ofMillis(100))))
                        .isInstanceOf(LockTimeoutException.class);
                jdbc.update("INSERT INTO spring_tx_table (id) VALUES (1)");
            });
        }
        assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT count(*) FROM spring_tx_table", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void aTransactionTakesTheSameKeyTwice() {
        template.executeWithoutResult(status -> {
            txLocks.acquire(locks.advisory("tx:twice"));
            assertThat(txLocks.tryAcquire(locks.advisory("tx:twice"))).isTrue();
            assertThat(heldElsewhere("tx:twice")).isTrue();
        });
        assertThat(heldElsewhere("tx:twice")).isFalse();
    }

    @Test
    void aSuspendedTransactionKeepsItsLocksAndTheInnerOneReleasesOnlyItsOwn() {
        TransactionTemplate requiresNew = transactionTemplate();
        requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        template.executeWithoutResult(outer -> {
            txLocks.acquire(locks.advisory("tx:outer"));
            requiresNew.executeWithoutResult(inner -> {
                txLocks.acquire(locks.advisory("tx:inner"));
                assertThat(locks.advisory("tx:inner").holderConnectionIds()).containsExactly(transactionConnectionId());
            });
            assertThat(heldElsewhere("tx:inner")).isFalse();
            assertThat(heldElsewhere("tx:outer")).isTrue();
            assertThat(locks.advisory("tx:outer").holderConnectionIds()).containsExactly(transactionConnectionId());
        });
        assertThat(heldElsewhere("tx:outer")).isFalse();
    }

    @Test
    void tableLockIsHeldUntilCommit() {
        TransactionProbe probe = new TransactionProbe();
        template.executeWithoutResult(status -> {
            txLocks.acquire(locks.tables("spring_tx_table"));
            assertThat(tableFreeElsewhere("spring_tx_table")).isFalse();
            probe.watch(() -> tableFreeElsewhere("spring_tx_table"));
        });
        assertThat(probe.at("beforeCommit")).isFalse();
        // MySQL/MariaDB keep LOCK TABLES past COMMIT: dblock's UNLOCK TABLES runs in afterCompletion
        assertThat(probe.at("afterCommit")).isEqualTo(postgres());
        assertThat(probe.at("afterCompletion")).isTrue();
        assertThat(tableFreeElsewhere("spring_tx_table")).isTrue();
    }

    @Test
    void tableLockIsReleasedByRollback() {
        template.executeWithoutResult(status -> {
            assertThat(txLocks.tryAcquire(locks.tables("spring_tx_table"))).isTrue();
            assertThat(tableFreeElsewhere("spring_tx_table")).isFalse();
            status.setRollbackOnly();
        });
        assertThat(tableFreeElsewhere("spring_tx_table")).isTrue();
    }

    @Test
    void tableTryLockFailsWhileAnotherTransactionHoldsTheTable() throws Exception {
        try (var holder = new HeldTable(otherNode, db.dataSource(), "spring_tx_table")) {
            template.executeWithoutResult(status -> {
                assertThat(txLocks.tryAcquire(locks.tables("spring_tx_table"), Duration.ofMillis(100)))
                        .isFalse();
            });
        }
        assertThat(tableFreeElsewhere("spring_tx_table")).isTrue();
    }

    @Test
    void withoutTransactionSynchronizationOnlyPostgresCanBindLocks() {
        DataSourceTransactionManager manager = new DataSourceTransactionManager(dataSource);
        manager.setTransactionSynchronization(AbstractPlatformTransactionManager.SYNCHRONIZATION_NEVER);
        new TransactionTemplate(manager).executeWithoutResult(status -> {
            if (postgres()) {
                // COMMIT ends both locks: nothing has to run after completion
                txLocks.acquire(locks.advisory("tx:nosync"));
                txLocks.acquire(locks.tables("spring_tx_table"));
            } else {
                assertThatThrownBy(() -> txLocks.acquire(locks.advisory("tx:nosync")))
                        .isInstanceOf(LockUsageException.class)
                        .hasMessageContaining("synchronization is off");
                assertThatThrownBy(() -> txLocks.acquire(locks.tables("spring_tx_table")))
                        .isInstanceOf(LockUsageException.class)
                        .hasMessageContaining("synchronization is off");
            }
        });
        assertThat(heldElsewhere("tx:nosync")).isFalse();
        assertThat(tableFreeElsewhere("spring_tx_table")).isTrue();
    }

    @Test
    void outsideATransactionItTellsYouToStartOne() {
        assertThatThrownBy(() -> txLocks.acquire(locks.advisory("tx:none")))
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("@Transactional");
        assertThatThrownBy(() -> txLocks.tryAcquire(locks.tables("spring_tx_table")))
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("TransactionTemplate");
    }

    @Test
    void aTransactionOnAnotherDataSourceIsRefused() {
        TransactionTemplate otherTemplate = new TransactionTemplate(new DataSourceTransactionManager(pool(db)));
        otherTemplate.executeWithoutResult(status -> assertThatThrownBy(() -> txLocks.acquire(locks.advisory("tx:ds")))
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("does not manage this DataSource"));
        assertThat(heldElsewhere("tx:ds")).isFalse();
    }
}
