package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.support.Server;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The load test, for minutes: {@code ./mvnw -B -pl dblock-core -am verify -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Ddblock.soak.minutes=10} (off in the normal build). Per engine: 3 nodes with their own pools, 8 threads each, a mix of
 * session advisory locks (10 keys, each guarding its own counter row), exclusive table locks and tryAcquire with
 * timeouts; at the end every counter must equal the increments made under it (lost updates 0) and no lock may remain
 * on the server (leaked locks 0). Prints one line of figures per engine.
 */
@EnabledIfSystemProperty(named = "dblock.soak.minutes", matches = "\\d+")
class SoakTest {

    @AutoClose
    final TestThreads threads = new TestThreads();

    static final int NODES = 3;
    static final int THREADS_PER_NODE = 8;
    static final int KEYS = 10;

    @ParameterizedTest
    @org.junit.jupiter.api.Timeout(
            value = 1,
            unit = TimeUnit.DAYS) // the soak's own length bounds it, not the 60 s default
    @EnumSource(
            value = Engine.class,
            names = {"POSTGRES", "MARIADB_11_4"})
    void soak(Engine engine) throws Exception {
        Duration length = Duration.ofMinutes(Long.getLong("dblock.soak.minutes"));
        TestDatabase db = engine.database();
        Server server = new Server(db.dataSource());
        server.execute("CREATE TABLE IF NOT EXISTS soak_counter (id int PRIMARY KEY, n int NOT NULL)");
        server.execute("DELETE FROM soak_counter");
        for (int k = 0; k <= KEYS; k++) {
            server.execute("INSERT INTO soak_counter VALUES (" + k + ", 0)");
        }
        List<HikariDataSource> pools = new ArrayList<>();
        AtomicLong[] made = new AtomicLong[KEYS + 1];
        for (int k = 0; k <= KEYS; k++) {
            made[k] = new AtomicLong();
        }
        AtomicLong operations = new AtomicLong();
        AtomicLong timeouts = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long deadline = System.nanoTime() + length.toNanos();
        List<TestThreads.TestThread<Void>> runs = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            HikariConfig config = new HikariConfig();
            config.setDataSource(db.dataSource());
            config.setMaximumPoolSize(THREADS_PER_NODE + 2);
            HikariDataSource pool = new HikariDataSource(config);
            pools.add(pool);
            DbLocks node = DbLocks.builder(pool).watchdog(Duration.ofSeconds(1)).build();
            for (int t = 0; t < THREADS_PER_NODE; t++) {
                runs.add(threads.start("soak-node" + n + "-" + t, () -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (System.nanoTime() < deadline) {
                        int key = random.nextInt(KEYS + 1); // row 0 is guarded by the table lock
                        try {
                            if (key == 0) {
                                node.tables().write("soak_counter").inTransaction(c -> increment(c, 0));
                                made[0].incrementAndGet();
                            } else if (random.nextBoolean()) {
                                node.advisory("soak:" + key).withLock(() -> {
                                    try (Connection c = pool.getConnection()) {
                                        return increment(c, key);
                                    }
                                });
                                made[key].incrementAndGet();
                            } else if (node.advisory("soak:" + key).tryRunWithLock(Duration.ofMillis(2), () -> {
                                try (Connection c = pool.getConnection()) {
                                    increment(c, key);
                                }
                            })) {
                                made[key].incrementAndGet();
                            } else {
                                timeouts.incrementAndGet();
                            }
                            operations.incrementAndGet();
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
        }
        TestThreads.getAll(Duration.ofMinutes(length.toMinutes() + 5), runs);
        pools.forEach(HikariDataSource::close);
        long lost = 0;
        for (int k = 0; k <= KEYS; k++) {
            lost += made[k].get() - server.queryInt("SELECT n FROM soak_counter WHERE id = " + k);
        }
        int leaked = engine == Engine.POSTGRES
                ? db.advisoryLocks().size()
                : db.userLocks().size();
        System.out.printf(
                "SOAK %s %s: %d min, %d operations, %d try timeouts, %d failures, %d lost updates, %d leaked locks%n",
                db.engine(),
                db.serverVersion(),
                length.toMinutes(),
                operations.get(),
                timeouts.get(),
                failures.get(),
                lost,
                leaked);
        assertThat(lost).as("lost updates").isZero();
        assertThat(leaked).as("leaked locks").isZero();
        assertThat(failures.get()).as("failed operations").isZero();
    }

    static int increment(Connection c, int key) throws Exception {
        int n;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT n FROM soak_counter WHERE id = " + key)) {
            rs.next();
            n = rs.getInt(1);
        }
        LockSupport.parkNanos(100_000);
        try (Statement s = c.createStatement()) {
            return s.executeUpdate("UPDATE soak_counter SET n = " + (n + 1) + " WHERE id = " + key);
        }
    }
}
