package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.support.Server;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contracts of {@link EngineContracts} on PostgreSQL: the embedded server, or the external one of
 * DBLOCK_TEST_POSTGRES_URL when set; {@link ContractBindingTest} checks them against the engine.
 *
 * <p>The {@code @Nested} classes here hide the inherited ones of the same name to add what only PostgreSQL does.
 */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresTest extends EngineContracts {

    @Nested
    class AdvisoryLocks extends AdvisoryLockContract {
        @BeforeEach
        void setUpPostgres(DataSource dataSource) {
            server = new Server(dataSource);
        }

        @Test
        void stringKeyShowsInPgLocksUnderTheDocumentedIds() {
            try (LockHandle h = locks.advisory("hello").acquire()) {
                assertThat(server.advisoryHolders(245608543L, 3125670444L, 1)).isEqualTo(1);
                assertThat(server.queryInt(
                                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 245608543"))
                        .isEqualTo((int) h.connectionId());
            }
            assertThat(server.advisoryHolders(245608543L, 3125670444L, 1)).isZero();
        }

        @Test
        void longKeyShowsAsHighAndLowWords() {
            try (LockHandle h = locks.advisory(Long.MAX_VALUE).acquire()) {
                assertThat(server.advisoryHolders(2147483647L, 4294967295L, 1)).isEqualTo(1);
            }
        }

        @Test
        void intPairKeyLivesInTheSecondKeySpace() {
            try (LockHandle h = locks.advisory(-1, 5).acquire()) {
                assertThat(server.advisoryHolders(4294967295L, 5L, 2)).isEqualTo(1);
                assertThat(server.advisoryHolders(4294967295L, 5L, 1)).isZero();
            }
        }

        @Test
        void sharedHoldersDoNotBlockEachOtherButBlockExclusive() {
            try (LockHandle a = locks.advisory("report").shared().acquire();
                    LockHandle b = otherNode.advisory("report").shared().acquire()) {
                assertThat(a.mode()).isEqualTo(AdvisoryLockMode.SHARED);
                assertThat(locks.advisory("report").holderConnectionIds())
                        .containsExactlyInAnyOrder(a.connectionId(), b.connectionId());
                assertThat(otherNode.advisory("report").tryAcquire()).isEmpty();
            }
            assertThat(locks.advisory("report").isLocked()).isFalse();
        }

        @Test
        void exclusiveHolderBlocksShared() {
            try (LockHandle h = locks.advisory("report").acquire()) {
                assertThat(otherNode.advisory("report").shared().tryAcquire()).isEmpty();
            }
        }

        @Test
        void sharedLockAfterExclusiveOnOneThreadStacksOnItsConnection() {
            try (LockHandle x = locks.advisory("mixed").acquire();
                    LockHandle s = locks.advisory("mixed").shared().acquire()) {
                assertThat(s.connectionId()).isEqualTo(x.connectionId());
            }
            assertThat(locks.advisory("mixed").isLocked()).isFalse();
        }
    }

    @Nested
    class RoundTrips extends RoundTripContract {
        @BeforeEach
        void createTable(DataSource dataSource) {
            new Server(dataSource).execute("CREATE TABLE IF NOT EXISTS rt (v int)");
        }

        @Test
        void transactionLockAndTableLockAreOneExecutionEach() throws Exception {
            try (Connection c = counting.dataSource().getConnection()) {
                c.setAutoCommit(false);
                assertThat(counting.count(() -> locks.advisory("rt")
                                .timeout(Duration.ofSeconds(2))
                                .acquireForTransaction(c)))
                        .isEqualTo(1);
                assertThat(counting.count(() -> locks.advisory("rt2").tryAcquireForTransaction(c)))
                        .isEqualTo(1);
                assertThat(counting.count(() -> locks.tables("rt").acquire(c))).isEqualTo(1);
                assertThat(counting.count(() -> locks.tables("rt")
                                .timeout(Duration.ofSeconds(1))
                                .acquire(c)))
                        .isEqualTo(1);
                c.rollback();
            }
        }
    }

    @Nested
    class Priorities extends PriorityContract {
        /** Cancel suffices when the blocker is running a statement in the transaction that holds the lock. */
        @Test
        void cancellingABusyHoldersStatementEndsItsTransactionAndFreesTheTable() throws Exception {
            TestThreads.TestThread<Throwable> busy = threads.start("busy-holder", () -> {
                try {
                    locks.tables().write("prio").inTransaction(c -> {
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT pg_sleep(60)");
                        }
                        return null;
                    });
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            io.dblock.testing.Await.until(
                    Duration.ofSeconds(10),
                    "the holder sleeps",
                    () -> server.queryInt("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'")
                            == 1);
            String result = DbLocks.create(dataSource)
                    .tables()
                    .write("prio")
                    .prioritised(Priority.cancelBlockers().checkEvery(Duration.ofMillis(50)))
                    .timeout(Duration.ofSeconds(30))
                    .inTransaction(c -> "mine");
            assertThat(result).isEqualTo("mine");
            assertThat(busy.get(10, TimeUnit.SECONDS)).hasMessageContaining("cancel");
        }
    }

    @Nested
    class MutualExclusion extends MutualExclusionContract {
        @Test
        void transactionAdvisoryLocksLoseNothing() throws Exception {
            int count = race((node, pool) -> {
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    try {
                        node.advisory("mx-xact").acquireForTransaction(c);
                        readGapWrite(c);
                        c.commit(); // the lock ends here, after the write is visible
                    } catch (Exception e) {
                        c.rollback();
                        throw e;
                    } finally {
                        c.setAutoCommit(true);
                    }
                }
            });
            assertThat(count).isEqualTo(EXPECTED);
        }
    }

    @Nested
    class Fencing extends FencingContract {
        @Test
        void aNameAndTheNumberItHashesToShareOneSequenceAsTheyShareOneLock() {
            LockKey name = LockKey.of(key);
            LockKey number = LockKey.of(name.longValue());
            try (LockHandle h = locks.advisory(name).fenced().acquire()) {
                assertThat(h.fencingToken()).hasValue(1L);
            }
            try (LockHandle h = locks.advisory(number).fenced().acquire()) {
                assertThat(h.fencingToken()).hasValue(2L);
            }
        }
    }
}
