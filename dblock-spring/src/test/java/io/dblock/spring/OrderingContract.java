package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.spring.support.SpringFixture;
import io.dblock.spring.support.TransactionProbe;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;

/**
 * Where the lock interceptors sit relative to {@code @Transactional}, shown by what another node sees at each phase
 * of the transaction's end.
 */
public abstract class OrderingContract extends SpringFixture {

    private TransactionProbe watchLedger(Class<?> config, BiConsumer<Ledger, Runnable> call) {
        ApplicationContext context = context(config, Ledger.class, Ledger.Caller.class);
        TransactionProbe probe = new TransactionProbe();
        boolean[] heldInside = new boolean[1];
        call.accept(context.getBean(Ledger.class), () -> {
            heldInside[0] = heldElsewhere("ledger");
            probe.watch(() -> heldElsewhere("ledger"));
        });
        assertThat(heldInside[0]).as("held while the method runs").isTrue();
        assertThat(heldElsewhere("ledger")).as("held after the call").isFalse();
        return probe;
    }

    @Test
    void byDefaultASessionLockSpansTheWholeTransactionIncludingCommit() {
        TransactionProbe probe = watchLedger(Configs.Defaults.class, Ledger::transactionalFirst);
        assertThat(probe.at("beforeCommit")).isTrue();
        assertThat(probe.at("afterCommit")).isTrue();
        assertThat(probe.at("afterCompletion")).isTrue();
    }

    @Test
    void theOrderOfTheAnnotationsOnTheMethodDoesNotMatter() {
        TransactionProbe probe = watchLedger(Configs.Defaults.class, Ledger::lockFirst);
        assertThat(probe.at("afterCompletion")).isTrue();
    }

    @Test
    void theTransactionAdvisorsOrderValueDoesNotMoveTheSessionLock() {
        TransactionProbe probe = watchLedger(Configs.TransactionAdvisorFirst.class, Ledger::transactionalFirst);
        assertThat(probe.at("afterCompletion")).isTrue();
    }

    @Test
    void placedInsideTheTransactionASessionLockIsReleasedBeforeTheCommit() {
        TransactionProbe probe = watchLedger(Configs.SessionLocksInside.class, Ledger::transactionalFirst);
        assertThat(probe.at("beforeCommit")).isFalse();
        assertThat(probe.at("afterCommit")).isFalse();
    }

    @Test
    void aSessionLockOnAMethodCalledInsideAnotherBeansTransactionEndsBeforeThatCommit() {
        ApplicationContext context = context(Configs.Defaults.class, Ledger.class, Ledger.Caller.class);
        TransactionProbe probe = new TransactionProbe();
        context.getBean(Ledger.Caller.class).callSessionLocked(() -> probe.watch(() -> heldElsewhere("ledger")));
        assertThat(probe.at("beforeCommit")).isFalse();
    }

    @Test
    void aTransactionScopedLockRunsInsideTheTransactionOfItsOwnMethod() {
        TransactionProbe probe = watchLedger(Configs.Defaults.class, Ledger::transactionScoped);
        assertThat(probe.at("beforeCommit")).isTrue();
        assertThat(probe.at("afterCompletion")).isFalse();
    }

    @Test
    void aTransactionScopedLockRunsInsideEvenWhenTheTransactionAdvisorIsOrderedFirst() {
        TransactionProbe probe = watchLedger(Configs.TransactionAdvisorFirst.class, Ledger::transactionScoped);
        assertThat(probe.at("beforeCommit")).isTrue();
        assertThat(probe.at("afterCompletion")).isFalse();
    }

    @Test
    void aTransactionScopedLockJoinsTheCallersTransactionAndLastsUntilItsCommit() {
        ApplicationContext context = context(Configs.Defaults.class, Ledger.class, Ledger.Caller.class);
        TransactionProbe probe = new TransactionProbe();
        context.getBean(Ledger.Caller.class).callTransactionScoped(() -> probe.watch(() -> heldElsewhere("ledger")));
        assertThat(probe.at("beforeCommit")).isTrue();
        assertThat(heldElsewhere("ledger")).isFalse();
    }

    @Test
    void byDefaultTheLockJoinsTheMethodsTransactionAndLastsUntilItsCommit() {
        TransactionProbe probe = watchLedger(Configs.Defaults.class, Ledger::byDefault);
        assertThat(probe.at("beforeCommit")).isTrue();
    }

    @Test
    void byDefaultTheLockOfAMethodCalledInsideAnotherBeansTransactionLastsUntilThatCommit() {
        ApplicationContext context = context(Configs.Defaults.class, Ledger.class, Ledger.Caller.class);
        TransactionProbe probe = new TransactionProbe();
        context.getBean(Ledger.Caller.class).callByDefault(() -> probe.watch(() -> heldElsewhere("ledger")));
        assertThat(probe.at("beforeCommit")).isTrue();
        assertThat(heldElsewhere("ledger")).isFalse();
    }

    @Test
    void byDefaultTheLockLivesOnTheTransactionsOwnConnection() {
        ApplicationContext context = context(Configs.Defaults.class, Ledger.class);
        long[] ids = new long[2];
        context.getBean(Ledger.class).byDefault(() -> {
            ids[0] = otherNode
                    .advisory("ledger")
                    .holderConnectionIds()
                    .iterator()
                    .next();
            ids[1] = transactionConnectionId();
        });
        assertThat(ids[0])
                .as("the lock's holder is the transaction's connection")
                .isEqualTo(ids[1]);
    }
}
