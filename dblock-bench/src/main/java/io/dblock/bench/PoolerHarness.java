package io.dblock.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.dblock.DbLocks;
import io.dblock.Pooler;
import io.dblock.testing.Engine;
import io.dblock.testing.PgBouncer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The uncontended cost of a session lock behind a real PgBouncer (issue 19), PostgreSQL only, one thread:
 *
 * <ol>
 *   <li>Paths: direct; PgBouncer in session pooling, with {@code Pooler.SESSION} declared (plain session locks) and
 *       with the default {@code AUTO} (which finds the pooler and holds the lock in a transaction); PgBouncer in
 *       transaction pooling with {@code AUTO}. Each behind its own HikariCP pool of {@link Peer#POOL_SIZE};
 *       through PgBouncer with {@code prepareThreshold=0}, as PgBouncer 1.18 needs of raw clients.
 *   <li>On each path, raw JDBC does the same lock the way it is correct there: {@code pg_advisory_lock} / {@code
 *       pg_advisory_unlock} in auto-commit on a direct or session-pooled connection, {@code pg_advisory_xact_lock}
 *       then {@code ROLLBACK} with auto-commit off on a transaction-pooled one; dblock does {@code acquire()} then
 *       {@code release()} of a string key.
 *   <li>Every case runs for one window per round, the cases in turn, for several rounds; each case's figure is the
 *       median of its rounds, and its ratio to dblock's direct figure is the median of the per-round ratios.
 * </ol>
 *
 * Skipped, with the reason, where the {@code pgbouncer} binary is missing.
 */
final class PoolerHarness {

    /** One path to the server, and what dblock is told of it. */
    record Path(String name, PgBouncer.PoolMode mode, Pooler pooler) {}

    static final List<Path> PATHS = List.of(
            new Path("direct", null, Pooler.AUTO),
            new Path("pgbouncer session, Pooler.SESSION", PgBouncer.PoolMode.SESSION, Pooler.SESSION),
            new Path("pgbouncer session, AUTO", PgBouncer.PoolMode.SESSION, Pooler.AUTO),
            new Path("pgbouncer transaction, AUTO", PgBouncer.PoolMode.TRANSACTION, Pooler.AUTO));

    private final BenchMode mode;

    PoolerHarness(BenchMode mode) {
        this.mode = mode;
    }

    /** Rounds of every case in turn: 7 (quick and smoke: 3). */
    private int rounds() {
        return mode.name().equals("full") ? 7 : 3;
    }

    /** One case's window per round: 1 s (quick: 300 ms; smoke: 100 ms). */
    private long windowNanos() {
        return switch (mode.name()) {
            case "full" -> 1_000_000_000L;
            case "quick" -> 300_000_000L;
            default -> 100_000_000L;
        };
    }

    List<Results.Pooler> run(Target target) throws Exception {
        if (!target.isPostgres()) {
            return List.of();
        }
        Optional<String> missing = PgBouncer.unavailableReason();
        if (missing.isPresent()) {
            return List.of(new Results.Pooler(target.engine(), "all", "-", "-", 0, 0, 0, List.of(), missing.get()));
        }
        List<AutoCloseable> open = new ArrayList<>();
        try {
            PgBouncer session = PgBouncer.start(Engine.POSTGRES.database(), PgBouncer.PoolMode.SESSION, 20);
            open.add(session);
            PgBouncer transaction = PgBouncer.start(Engine.POSTGRES.database(), PgBouncer.PoolMode.TRANSACTION, 20);
            open.add(transaction);
            List<Case> cases = new ArrayList<>();
            for (Path path : PATHS) {
                DataSource physical = path.mode == null
                        ? target.driverDataSource()
                        : unprepared(path.mode == PgBouncer.PoolMode.SESSION ? session : transaction);
                HikariDataSource rawPool = Target.pool(physical, Peer.POOL_SIZE, "pooler-raw-" + cases.size());
                open.add(rawPool);
                HikariDataSource dblockPool = Target.pool(physical, Peer.POOL_SIZE, "pooler-dblock-" + cases.size());
                open.add(dblockPool);
                DbLocks locks = DbLocks.builder(dblockPool).pooler(path.pooler).build();
                open.add(locks);
                boolean tx = path.mode == PgBouncer.PoolMode.TRANSACTION;
                CountingDataSource rawCounter = new CountingDataSource();
                Op rawCounted = rawOp(rawCounter.wrap(rawPool), tx);
                cases.add(new Case(path, "raw JDBC", rawOp(rawPool, tx), null, rawCounter, rawCounted));
                CountingDataSource dblockCounter = new CountingDataSource();
                DbLocks counted = DbLocks.builder(dblockCounter.wrap(dblockPool))
                        .pooler(path.pooler)
                        .build();
                open.add(counted);
                Op dblock = () -> locks.advisory("bench:pooler").acquire().release();
                Op dblockCounted =
                        () -> counted.advisory("bench:pooler").acquire().release();
                cases.add(new Case(path, "dblock", dblock, locks, dblockCounter, dblockCounted));
            }
            return measure(target, cases);
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    private static PGSimpleDataSource unprepared(PgBouncer bouncer) {
        PGSimpleDataSource dataSource = bouncer.dataSource();
        dataSource.setPrepareThreshold(0);
        return dataSource;
    }

    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    /** A case, and the same operation over a counting wrapper above its pool, for its JDBC calls per operation. */
    private record Case(Path path, String impl, Op op, DbLocks locks, CountingDataSource counter, Op counted) {
        /** JDBC executions and transaction-control calls per operation, over 20 operations after a warm one. */
        double callsPerOp() throws Exception {
            counted.run();
            CountingDataSource.Counts before = counter.counts();
            for (int i = 0; i < 20; i++) {
                counted.run();
            }
            return counter.counts().minus(before).calls() / 20.0;
        }
    }

    /** Raw JDBC: the lock and its end as is correct on the path, on a pooled connection borrowed per operation. */
    private static Op rawOp(DataSource pool, boolean inTransaction) {
        long key = 0x5eed19L;
        if (inTransaction) {
            return () -> {
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                        s.setLong(1, key);
                        s.execute();
                    }
                    c.rollback();
                    c.setAutoCommit(true);
                }
            };
        }
        return () -> {
            try (Connection c = pool.getConnection()) {
                call(c, "SELECT pg_advisory_lock(?)", key);
                call(c, "SELECT pg_advisory_unlock(?)", key);
            }
        };
    }

    private static void call(Connection c, String sql, long key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, key);
            s.execute();
        }
    }

    private List<Results.Pooler> measure(Target target, List<Case> cases) throws Exception {
        long window = windowNanos();
        for (Case c : cases) { // warm-up: the JIT, the pools, dblock's one-time detection
            loop(c.op, window);
        }
        double[][] perRound = new double[cases.size()][rounds()];
        for (int r = 0; r < rounds(); r++) {
            for (int i = 0; i < cases.size(); i++) {
                perRound[i][r] = loop(cases.get(i).op, window);
            }
        }
        int direct = indexOf(cases, PATHS.get(0), "dblock");
        List<Results.Pooler> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            double[] ratios = new double[rounds()];
            List<Double> rounds = new ArrayList<>();
            for (int r = 0; r < rounds(); r++) {
                ratios[r] = perRound[i][r] / perRound[direct][r];
                rounds.add(perRound[i][r]);
            }
            String detected =
                    c.locks == null ? "-" : c.locks.inspector().pooler().name();
            out.add(new Results.Pooler(
                    target.engine(),
                    c.path.name,
                    c.impl,
                    detected,
                    median(perRound[i]),
                    median(ratios),
                    c.callsPerOp(),
                    rounds,
                    null));
        }
        return out;
    }

    private static int indexOf(List<Case> cases, Path path, String impl) {
        for (int i = 0; i < cases.size(); i++) {
            if (cases.get(i).path.equals(path) && cases.get(i).impl.equals(impl)) {
                return i;
            }
        }
        throw new IllegalStateException("no case " + path + " " + impl);
    }

    /** Runs {@code op} for {@code nanos}; returns the mean time per operation in microseconds. */
    private static double loop(Op op, long nanos) throws Exception {
        long start = System.nanoTime();
        long end = start + nanos;
        long n = 0;
        long now;
        do {
            op.run();
            n++;
            now = System.nanoTime();
        } while (now < end);
        return (now - start) / 1e3 / n;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
