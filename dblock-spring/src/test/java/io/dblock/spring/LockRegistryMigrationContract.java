package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.DbLocks;
import io.dblock.spring.integration.DbLockRegistry;
import io.dblock.spring.integration.MigratingLockRegistry;
import io.dblock.spring.support.JdbcLockRegistries;
import io.dblock.spring.support.SpringFixture;
import io.dblock.testing.TestThreads;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * A rolling migration from Spring Integration's own {@link JdbcLockRegistry} ({@code INT_LOCK} table, the real one)
 * to {@link DbLockRegistry} through {@link MigratingLockRegistry}: three nodes, one per stage, each with its own pool.
 * The nodes of neighbouring stages never hold a key together; the first and the last stage do not see each other.
 */
public abstract class LockRegistryMigrationContract extends SpringFixture {

    static final String KEY = "migrating-key";

    final Map<String, LockRegistry> nodes = new LinkedHashMap<>();
    final JdbcLockRegistries registries = new JdbcLockRegistries();

    @BeforeEach
    void nodes() throws Exception {
        execute(JdbcLockRegistries.intLockDdl(postgres()), "DELETE FROM INT_LOCK");
        nodes.put("table", registries.over(pool(db)));
        DataSource migrating = pool(db);
        nodes.put(
                "migrating",
                new MigratingLockRegistry(
                        registries.over(migrating), new DbLockRegistry(closeAfterTest(DbLocks.create(migrating)))));
        nodes.put("dblock", new DbLockRegistry(closeAfterTest(DbLocks.create(pool(db)))));
    }

    @AfterEach
    void closeRepositories() {
        registries.close();
    }

    /** Whether {@code node} can lock the key now (and unlocks it if it could). */
    boolean free(String node) {
        Lock lock = nodes.get(node).obtain(KEY);
        if (!lock.tryLock()) {
            return false;
        }
        lock.unlock();
        return true;
    }

    @Test
    void neighbouringStagesExcludeEachOther() {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String holder : nodes.keySet()) {
            Lock held = nodes.get(holder).obtain(KEY);
            assertThat(held.tryLock()).as(holder + " locks").isTrue();
            for (String other : nodes.keySet()) {
                if (!other.equals(holder)) {
                    seen.put(holder + " holds, " + other, free(other) ? "runs too" : "refused");
                }
            }
            held.unlock();
            assertThat(nodes.keySet())
                    .as("all free after " + holder + "'s unlock")
                    .allMatch(this::free);
        }
        System.out.println("registry migration matrix (" + db.engine() + "): " + seen);
        assertThat(seen)
                .containsEntry("table holds, migrating", "refused")
                .containsEntry("migrating holds, table", "refused")
                .containsEntry("migrating holds, dblock", "refused")
                .containsEntry("dblock holds, migrating", "refused")
                // the stages two apart share nothing: skipping the migrating stage would let both hold the key
                .containsEntry("table holds, dblock", "runs too")
                .containsEntry("dblock holds, table", "runs too");
    }

    @Test
    void aMigratingNodeWaitsForADblockHolderAndGivesTheTableBackWhenItGivesUp() throws Exception {
        Lock dblockHolds = nodes.get("dblock").obtain(KEY);
        dblockHolds.lock();
        Lock migrating = nodes.get("migrating").obtain(KEY);
        assertThat(migrating.tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(free("table"))
                .as("the migrating node gave the table's lock back")
                .isTrue();

        try (TestThreads threads = new TestThreads()) {
            TestThreads.TestThread<Boolean> waiter = threads.start("migrating-waiter", () -> {
                boolean got = migrating.tryLock(30, TimeUnit.SECONDS);
                if (got) {
                    migrating.unlock();
                }
                return got;
            });
            io.dblock.testing.Await.until(
                    Duration.ofSeconds(10), "the migrating node waits on the server", () -> waitingForNamedLock() == 1);
            dblockHolds.unlock();
            assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(nodes.keySet()).allMatch(this::free);
    }
}
