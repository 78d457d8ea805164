package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockTimeoutException;
import io.dblock.LockUsageException;
import io.dblock.spring.support.SpringFixture;
import io.dblock.testing.Await;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;

/** {@code @AdvisoryLock} and {@code @TableLock} behaviour in a Spring context, on every engine. */
public abstract class AnnotationContract extends SpringFixture {

    @AutoClose
    final TestThreads threads = new TestThreads();

    Jobs jobs;
    DbLocks locks;

    @BeforeEach
    void start() {
        createTable("spring_orders");
        ApplicationContext context = context(Configs.Defaults.class, Jobs.class);
        jobs = context.getBean(Jobs.class);
        locks = context.getBean(DbLocks.class);
    }

    @Test
    void sessionLockIsHeldWhileTheMethodRunsAndReleasedAfter() {
        assertThat(jobs.run("a", () -> heldElsewhere("job:a"))).isTrue();
        assertThat(heldElsewhere("job:a")).isFalse();
    }

    @Test
    void sessionLockIsReleasedWhenTheMethodThrows() {
        assertThatThrownBy(() -> jobs.run("a", () -> {
                    throw new IllegalStateException("boom");
                }))
                .hasMessage("boom");
        assertThat(heldElsewhere("job:a")).isFalse();
    }

    @Test
    void skipReturnsNullForAnObjectAndRunsWhenFree() {
        try (LockHandle blocker = otherNode.advisory("job:b").acquire()) {
            assertThat(jobs.runOrSkip("b")).isNull();
        }
        assertThat(jobs.runs()).isEqualTo(0);
        assertThat(jobs.runOrSkip("b")).isEqualTo("ran b");
    }

    @Test
    void skipReturnsEmptyForAnOptional() {
        try (LockHandle blocker = otherNode.advisory("job:b").acquire()) {
            assertThat(jobs.runOrSkipOptional("b")).isEmpty();
        }
        assertThat(jobs.runOrSkipOptional("b")).contains("ran b");
        assertThat(jobs.runs()).isEqualTo(1);
    }

    @Test
    void skipLeavesAVoidMethodUnrun() {
        try (LockHandle blocker = otherNode.advisory("job:b").acquire()) {
            jobs.runOrSkipVoid("b");
        }
        assertThat(jobs.runs()).isEqualTo(0);
        jobs.runOrSkipVoid("b");
        assertThat(jobs.runs()).isEqualTo(1);
    }

    @Test
    void throwWaitsForTheTimeoutThenThrowsLockTimeoutException() {
        try (LockHandle blocker = otherNode.advisory("job:c").acquire()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> jobs.runOrThrowAfter200ms("c")).isInstanceOf(LockTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
        assertThat(jobs.runs()).isEqualTo(0);
    }

    @Test
    void skipWithATimeoutWaitsOnTheServerAndRunsWhenReleasedInTime() throws Exception {
        LockHandle blocker = otherNode.advisory("job:d").acquire();
        TestThreads.TestThread<String> call = threads.start("caller", () -> jobs.runOrSkipAfter10s("d"));
        Await.until(Duration.ofSeconds(10), "the call waits on the server", () -> waitingForNamedLock() == 1);
        blocker.release();
        assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("ran d");
    }

    @Test
    void transactionScopeHoldsTheKeyOnTheTransactionConnectionUntilCommit() {
        long[] ids = jobs.inTransaction("e", () -> new long[] {
            heldElsewhere("job:e") ? 1 : 0,
            locks.advisory("job:e").holderConnectionIds().iterator().next(),
            transactionConnectionId()
        });
        assertThat(ids[0]).as("held inside").isEqualTo(1);
        assertThat(ids[1]).as("holder is the transaction's connection").isEqualTo(ids[2]);
        assertThat(heldElsewhere("job:e")).isFalse();
    }

    @Test
    void transactionScopeSkipsWhenHeldElsewhere() {
        try (LockHandle blocker = otherNode.advisory("job:f").acquire()) {
            assertThat(jobs.inTransactionOrSkip("f")).isNull();
        }
        assertThat(jobs.inTransactionOrSkip("f")).isEqualTo("ran f");
        assertThat(jobs.runs()).isEqualTo(1);
    }

    @Test
    void transactionScopeWithoutATransactionNamesTheMethodAndTheFix() {
        assertThatThrownBy(() -> jobs.transactionScopeWithoutTransaction("g"))
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("Jobs.transactionScopeWithoutTransaction(String)")
                .hasMessageContaining("@Transactional");
        assertThat(jobs.runs()).isEqualTo(0);
    }

    @Test
    void tableLockIsHeldForTheTransaction() {
        assertThat(jobs.lockOrders(() -> tableFreeElsewhere("spring_orders"))).isFalse();
        assertThat(tableFreeElsewhere("spring_orders")).isTrue();
    }

    @Test
    void tableLockSkipsOrThrowsWhileAnotherTransactionHoldsTheTable() throws Exception {
        try (HeldTable held = new HeldTable(otherNode, db.dataSource(), "spring_orders")) {
            assertThat(jobs.lockOrdersOrSkip()).isEmpty();
            assertThatThrownBy(() -> jobs.lockOrdersOrThrowAfter100ms()).isInstanceOf(LockTimeoutException.class);
        }
        assertThat(jobs.runs()).isEqualTo(0);
        assertThat(jobs.lockOrdersOrSkip()).contains("ran");
    }

    @Test
    void tableLockWithoutATransactionIsRefused() {
        assertThatThrownBy(() -> jobs.tableLockWithoutTransaction())
                .isInstanceOf(LockUsageException.class)
                .hasMessageContaining("@TableLock on Jobs.tableLockWithoutTransaction()");
        assertThat(jobs.runs()).isEqualTo(0);
    }

    @Test
    void tableAndKeyOnOneMethodAreBothHeldUntilTheTransactionEnds() {
        Optional<Boolean> both = Optional.of(
                jobs.tableAndKey("h", () -> !tableFreeElsewhere("spring_orders") && heldElsewhere("job:h")));
        assertThat(both).contains(true);
        assertThat(tableFreeElsewhere("spring_orders")).isTrue();
        assertThat(heldElsewhere("job:h")).isFalse();
    }
}
