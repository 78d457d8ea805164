package io.dblock.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.DbLocks;
import io.dblock.spring.shedlock.DbLockProvider;
import io.dblock.spring.shedlock.MigratingLockProvider;
import io.dblock.spring.support.SpringFixture;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbc.JdbcLockProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rolling migration from ShedLock's own {@code shedlock} table ({@link JdbcLockProvider}, the real one) to {@link
 * DbLockProvider} through {@link MigratingLockProvider}: three nodes, one per stage, each with its own pool. The nodes
 * of neighbouring stages never hold a lock together; the first and the last stage do not see each other, which is
 * why the middle stage is not to be skipped.
 */
public abstract class ShedLockMigrationContract extends SpringFixture {

    static final String NAME = "migrating-job";

    /** Node names to providers, in migration order. */
    final Map<String, LockProvider> nodes = new LinkedHashMap<>();

    @BeforeEach
    void nodes() {
        execute(
                postgres()
                        ? "CREATE TABLE IF NOT EXISTS shedlock(name VARCHAR(64) NOT NULL, lock_until TIMESTAMP NOT NULL,"
                                + " locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))"
                        : "CREATE TABLE IF NOT EXISTS shedlock(name VARCHAR(64) NOT NULL, lock_until TIMESTAMP(3) NOT"
                                + " NULL, locked_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), locked_by"
                                + " VARCHAR(255) NOT NULL, PRIMARY KEY (name))",
                "DELETE FROM shedlock");
        nodes.put("table", new JdbcLockProvider(pool(db)));
        DataSource migrating = pool(db);
        nodes.put(
                "migrating",
                new MigratingLockProvider(
                        new JdbcLockProvider(migrating),
                        closeAfterTest(new DbLockProvider(DbLocks.create(migrating)))));
        nodes.put("dblock", closeAfterTest(new DbLockProvider(DbLocks.create(pool(db)))));
    }

    static LockConfiguration config(Duration lockAtMostFor) {
        return new LockConfiguration(ClockProvider.now(), NAME, lockAtMostFor, Duration.ZERO);
    }

    /** Whether {@code node} can take the lock now (and gives it back if it could). */
    boolean free(String node) {
        Optional<SimpleLock> lock = nodes.get(node).lock(config(Duration.ofMinutes(5)));
        lock.ifPresent(SimpleLock::unlock);
        return lock.isPresent();
    }

    @Test
    void neighbouringStagesExcludeEachOther() {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String holder : nodes.keySet()) {
            SimpleLock held =
                    nodes.get(holder).lock(config(Duration.ofMinutes(5))).orElseThrow();
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
        System.out.println("migration matrix (" + db.engine() + "): " + seen);
        assertThat(seen)
                .containsEntry("table holds, migrating", "refused")
                .containsEntry("migrating holds, table", "refused")
                .containsEntry("migrating holds, dblock", "refused")
                .containsEntry("dblock holds, migrating", "refused")
                // the stages two apart share nothing: skipping the migrating stage would run a task twice
                .containsEntry("table holds, dblock", "runs too")
                .containsEntry("dblock holds, table", "runs too");
    }

    @Test
    void whenDblockRefusesTheTableLockIsGivenBack() {
        SimpleLock dblockHolds =
                nodes.get("dblock").lock(config(Duration.ofMinutes(5))).orElseThrow();
        assertThat(nodes.get("migrating").lock(config(Duration.ofMinutes(5)))).isEmpty();
        assertThat(free("table"))
                .as("the migrating node gave the table's lock back")
                .isTrue();
        dblockHolds.unlock();
    }

    @Test
    void extendGoesThroughBothAndSpendsTheOldLock() {
        SimpleLock lock =
                nodes.get("migrating").lock(config(Duration.ofMinutes(1))).orElseThrow();
        SimpleLock extended = lock.extend(Duration.ofMinutes(5), Duration.ZERO).orElseThrow();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalStateException.class);
        assertThat(free("table")).isFalse();
        assertThat(free("dblock")).isFalse();
        extended.unlock();
        assertThat(free("table")).isTrue();
        assertThat(free("dblock")).isTrue();
    }
}
