package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.spi.TableLocks;
import io.dblock.support.Needs;
import io.dblock.support.Server;
import io.dblock.testing.TestDatabase;
import io.dblock.testing.TestThreads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several nodes (each its own DbLocks and pool) and dozens of threads increment one counter with a read-modify-write gap.
 * Under a lock no update is lost; without one, updates are lost (proving the race is real). The leak check of the
 * test kit then proves no lock is left on the server.
 */
@Needs(TableLocks.class)
abstract class MutualExclusionContract {

    @AutoClose
    final TestThreads threads = new TestThreads();

    static final int NODES = 3;
    static final int THREADS_PER_NODE = 8;
    static final int INCREMENTS_PER_THREAD = 15;
    static final int EXPECTED = NODES * THREADS_PER_NODE * INCREMENTS_PER_THREAD;

    TestDatabase db;
    Server server;
    final List<HikariDataSource> pools = new ArrayList<>();
    final List<DbLocks> nodes = new ArrayList<>();

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        server = new Server(db.dataSource());
        server.execute("CREATE TABLE IF NOT EXISTS mx_counter (id int PRIMARY KEY, n int NOT NULL)");
        server.execute("DELETE FROM mx_counter");
        server.execute("INSERT INTO mx_counter VALUES (1, 0)");
        for (int i = 0; i < NODES; i++) {
            HikariConfig config = new HikariConfig();
            config.setDataSource(db.dataSource());
            config.setMaximumPoolSize(THREADS_PER_NODE + 2);
            HikariDataSource pool = new HikariDataSource(config);
            pools.add(pool);
            nodes.add(DbLocks.create(pool));
        }
    }

    @AfterEach
    void tearDown() {
        pools.forEach(HikariDataSource::close);
    }

    @FunctionalInterface
    interface Increment {
        void run(DbLocks node, DataSource pool) throws Exception;
    }

    /** Runs every thread's increments, all threads starting together; returns the final count. */
    int race(Increment increment) throws Exception {
        CyclicBarrier start = new CyclicBarrier(NODES * THREADS_PER_NODE);
        List<TestThreads.TestThread<Void>> runs = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            DbLocks node = nodes.get(n);
            DataSource pool = pools.get(n);
            for (int t = 0; t < THREADS_PER_NODE; t++) {
                runs.add(threads.start("node" + n + "-thread" + t, () -> {
                    try {
                        start.await(30, TimeUnit.SECONDS);
                        for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
                            increment.run(node, pool);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
        }
        TestThreads.getAll(Duration.ofSeconds(120), runs);
        return server.queryInt("SELECT n FROM mx_counter WHERE id = 1");
    }

    /** Reads the counter, leaves a gap in which another writer could interleave, writes it back plus one. */
    static void readGapWrite(Connection c) throws SQLException {
        int n;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT n FROM mx_counter WHERE id = 1")) {
            rs.next();
            n = rs.getInt(1);
        }
        LockSupport.parkNanos(200_000); // the work between read and write: 0.2 ms
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE mx_counter SET n = " + (n + 1) + " WHERE id = 1");
        }
    }

    @Test
    void withoutALockUpdatesAreLost() throws Exception {
        int count = race((node, pool) -> {
            try (Connection c = pool.getConnection()) {
                readGapWrite(c);
            }
        });
        assertThat(count)
                .as("the race is real: some of %d increments were lost", EXPECTED)
                .isLessThan(EXPECTED);
    }

    @Test
    void sessionAdvisoryLocksLoseNothing() throws Exception {
        int count = race((node, pool) -> node.advisory("mx").withLock(() -> {
            try (Connection c = pool.getConnection()) {
                readGapWrite(c);
            }
            return null;
        }));
        assertThat(count).isEqualTo(EXPECTED);
    }

    @Test
    void exclusiveTableLocksLoseNothing() throws Exception {
        int count = race((node, pool) -> node.tables().write("mx_counter").inTransaction(c -> {
            readGapWrite(c);
            return null;
        }));
        assertThat(count).isEqualTo(EXPECTED);
    }

    @Test
    void locksWithTimeoutsAndRetriesLoseNothing() throws Exception {
        int count = race((node, pool) -> {
            while (true) {
                boolean done = node.advisory("mx-try").tryRunWithLock(Duration.ofMillis(5), () -> {
                    try (Connection c = pool.getConnection()) {
                        readGapWrite(c);
                    }
                });
                if (done) {
                    return;
                }
            }
        });
        assertThat(count).isEqualTo(EXPECTED);
    }
}
