package io.dblock.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.Multiplexing;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Measured harness for issue 21: {@value #HOLDERS} platform threads, each taking a distinct session lock again and
 * again and holding it {@value #HOLD_MILLIS} ms, through a HikariCP pool of {@value #POOL} (connection timeout 5 s):
 * raw JDBC (a pooled connection per hold: lock, hold, unlock, give back), dblock multiplexed (the default) and dblock
 * with {@link Multiplexing#off()} (one connection per holding thread). Per implementation: completed holds per second,
 * the acquisition's p50 and p99 (from the call to the grant), how many acquisitions failed, how many were held at once
 * at most, and the most pool connections in use (sampled every 10 ms).
 */
final class HoldersHarness {

    static final int HOLDERS = 1_000;
    static final int POOL = 8;
    static final int HOLD_MILLIS = 1;

    private final BenchMode mode;

    HoldersHarness(BenchMode mode) {
        this.mode = mode;
    }

    /** The measuring window per implementation: 5 s (quick: 2 s; smoke: 300 ms). */
    private long windowNanos() {
        return switch (mode.name()) {
            case "full" -> 5_000_000_000L;
            case "quick" -> 2_000_000_000L;
            default -> 300_000_000L;
        };
    }

    @FunctionalInterface
    private interface Hold {
        void run(int holder) throws Exception;
    }

    List<Results.Holders> run(Target target) throws Exception {
        List<Results.Holders> out = new ArrayList<>();
        try (HikariDataSource raw = pool(target, "holders-raw")) {
            out.add(measure(target, "raw JDBC", raw, h -> rawHold(target, raw, h)));
        }
        try (HikariDataSource pool = pool(target, "holders-mx");
                DbLocks locks = DbLocks.create(pool)) {
            out.add(measure(target, "dblock multiplexed", pool, h -> dblockHold(locks, h)));
        }
        try (HikariDataSource pool = pool(target, "holders-pinned");
                DbLocks locks =
                        DbLocks.builder(pool).multiplexing(Multiplexing.off()).build()) {
            out.add(measure(target, "dblock Multiplexing.off()", pool, h -> dblockHold(locks, h)));
        }
        return out;
    }

    private static HikariDataSource pool(Target target, String name) {
        HikariDataSource pool = Target.pool(target.driverDataSource(), POOL, name);
        pool.setConnectionTimeout(5_000);
        return pool;
    }

    private static void dblockHold(DbLocks locks, int holder) {
        try (LockHandle h = locks.advisory("bench:holder:" + holder).acquire()) {
            held();
        }
    }

    private static void rawHold(Target target, HikariDataSource pool, int holder) throws Exception {
        long key = 0x4011_0000L + holder;
        try (Connection c = pool.getConnection()) {
            String lock =
                    target.isPostgres() ? "SELECT pg_advisory_lock(?)" : "SELECT GET_LOCK(CONCAT('bench:', ?), 60)";
            String unlock =
                    target.isPostgres() ? "SELECT pg_advisory_unlock(?)" : "SELECT RELEASE_LOCK(CONCAT('bench:', ?))";
            run(c, lock, key);
            try {
                held();
            } finally {
                run(c, unlock, key);
            }
        }
    }

    private static final ThreadLocal<long[]> GRANTED = ThreadLocal.withInitial(() -> new long[1]);

    /** Marks the grant (for the acquisition latency), then holds. */
    private static void held() {
        GRANTED.get()[0] = System.nanoTime();
        HELD.incrementAndGet();
        MAX_HELD.accumulateAndGet(HELD.get(), Math::max);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS)); // the simulated work of a holder
        HELD.decrementAndGet();
    }

    private static final AtomicInteger HELD = new AtomicInteger();
    private static final AtomicInteger MAX_HELD = new AtomicInteger();

    private static void run(Connection c, String sql, long key) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }

    private Results.Holders measure(Target target, String impl, HikariDataSource pool, Hold hold) throws Exception {
        MAX_HELD.set(0);
        AtomicBoolean measuring = new AtomicBoolean(true);
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        long[][] latencies = new long[HOLDERS][];
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < HOLDERS; i++) {
            int holder = i;
            Thread t = new Thread(
                    () -> {
                        long[] mine = new long[1 << 12];
                        int n = 0;
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        while (measuring.get()) {
                            long asked = System.nanoTime();
                            try {
                                hold.run(holder);
                                done.increment();
                                if (n < mine.length) {
                                    mine[n++] = GRANTED.get()[0] - asked;
                                }
                            } catch (Exception e) {
                                failed.increment();
                            }
                        }
                        latencies[holder] = java.util.Arrays.copyOf(mine, n);
                    },
                    "bench-holder-" + i);
            threads.add(t);
            t.start();
        }
        int maxActive = 0;
        long begin = System.nanoTime();
        start.countDown();
        while (System.nanoTime() - begin < windowNanos()) {
            maxActive = Math.max(maxActive, pool.getHikariPoolMXBean().getActiveConnections());
            LockSupport.parkNanos(10_000_000L);
        }
        measuring.set(false);
        double seconds = (System.nanoTime() - begin) / 1e9;
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60).toMillis());
        }
        long[] all = java.util.Arrays.stream(latencies)
                .filter(java.util.Objects::nonNull)
                .flatMapToLong(java.util.Arrays::stream)
                .sorted()
                .toArray();
        return new Results.Holders(
                target.engine(),
                impl,
                HOLDERS,
                POOL,
                done.sum() / seconds,
                percentileMillis(all, 0.50),
                percentileMillis(all, 0.99),
                failed.sum(),
                MAX_HELD.get(),
                maxActive);
    }

    private static double percentileMillis(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }
}
