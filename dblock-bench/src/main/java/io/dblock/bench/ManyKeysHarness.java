package io.dblock.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import java.sql.Connection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * One holder takes {@code n} distinct locks, holds them all at once, then gives them back: the time of each half, the
 * connections it holds while holding everything and at most, and the statements it sends (counted above the pool, so
 * the pool's own calls are not included).
 */
final class ManyKeysHarness {

    /** The implementations compared. */
    static final List<String> IMPLS = List.of("raw", "dblock", "dblock-one-request", "jdbc-lock-registry", "shedlock");

    private static final int POOL_SIZE = 10;

    /** A holder of many locks. */
    private interface Holder extends AutoCloseable {
        void acquire(String name) throws Exception;

        void releaseAll() throws Exception;
    }

    Results.ManyKeys run(Target target, String impl, int n) throws Exception {
        try (LibraryWarnings warnings = LibraryWarnings.capture()) {
            Results.ManyKeys measured = measure(target, impl, n);
            return warnings.messages().isEmpty()
                    ? measured
                    : measured.withWarnings(String.join("; ", warnings.messages()));
        }
    }

    private Results.ManyKeys measure(Target target, String impl, int n) throws Exception {
        CountingDataSource counting = new CountingDataSource();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("bench:many:" + impl + ":" + n + ":" + i);
        }
        long acquireNanos;
        long releaseNanos;
        CountingDataSource.Counts held;
        CountingDataSource.Counts before;
        long left;
        try (Holder holder = holder(target, impl, counting, names)) {
            before = counting.counts();
            counting.resetPeak();
            long t0 = System.nanoTime();
            try {
                if (impl.equals("dblock-one-request")) {
                    holder.acquire(null);
                } else {
                    for (String name : names) {
                        holder.acquire(name);
                    }
                }
            } catch (Exception | Error e) {
                return failed(
                        target, impl, n, "acquire: " + e, counting.counts().minus(before));
            }
            long t1 = System.nanoTime();
            held = counting.counts();
            try {
                holder.releaseAll();
            } catch (Exception | Error e) {
                return failed(
                        target, impl, n, "release: " + e, counting.counts().minus(before));
            }
            acquireNanos = t1 - t0;
            releaseNanos = System.nanoTime() - t1;
            left = locksOnServer(target);
        }
        CountingDataSource.Counts used = counting.counts().minus(before);
        return new Results.ManyKeys(
                target.engine(),
                impl,
                n,
                acquireNanos / 1e6,
                releaseNanos / 1e6,
                held.openNow(),
                used.peakOpen(),
                used.calls(),
                left,
                null,
                null);
    }

    /**
     * The advisory (PostgreSQL) or user-level (MariaDB) locks on the server right after the release: 0 unless a
     * release left some behind. Only the benchmark uses these servers while it runs.
     */
    private static long locksOnServer(Target target) throws java.sql.SQLException {
        String sql = target.isPostgres()
                ? "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                : "SELECT count(*) FROM performance_schema.metadata_locks WHERE OBJECT_TYPE = 'USER LEVEL LOCK'";
        try (Connection c = target.connect();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Results.ManyKeys failed(
            Target target, String impl, int n, String error, CountingDataSource.Counts used) {
        return new Results.ManyKeys(
                target.engine(), impl, n, null, null, used.openNow(), used.peakOpen(), used.calls(), -1, null, error);
    }

    private static Holder holder(Target target, String impl, CountingDataSource counting, List<String> names)
            throws Exception {
        return switch (impl) {
            case "raw" -> raw(counting.wrap(target.driverDataSource()).getConnection(), target.isPostgres());
            case "dblock", "dblock-one-request" -> dblock(target.pool(POOL_SIZE, "many-dblock"), counting, names);
            case "jdbc-lock-registry" -> registry(target.pool(POOL_SIZE, "many-registry"), counting);
            case "shedlock" -> shedLock(target.pool(POOL_SIZE, "many-shedlock"), counting);
            default -> throw new IllegalArgumentException(impl);
        };
    }

    private static Holder raw(Connection connection, boolean postgres) throws Exception {
        Deque<RawClients.Advisory> held = new ArrayDeque<>();
        return new Holder() {
            @Override
            public void acquire(String name) throws Exception {
                RawClients.Advisory lock = new RawClients.Advisory(connection, postgres, name, false);
                lock.acquire();
                held.push(lock);
            }

            @Override
            public void releaseAll() throws Exception {
                while (!held.isEmpty()) {
                    held.pop().release();
                }
            }

            @Override
            public void close() throws Exception {
                connection.close();
            }
        };
    }

    /** One {@code acquire()} per key on one thread (nested holds share its pinned connection), or one request. */
    private static Holder dblock(HikariDataSource pool, CountingDataSource counting, List<String> names) {
        DbLocks locks = DbLocks.create(counting.wrap(pool));
        Deque<LockHandle> held = new ArrayDeque<>();
        return new Holder() {
            @Override
            public void acquire(String name) {
                if (name == null) {
                    held.push(locks.advisory(names.stream().map(LockKey::of).toList())
                            .acquire());
                } else {
                    held.push(locks.advisory(name).acquire());
                }
            }

            @Override
            public void releaseAll() {
                while (!held.isEmpty()) {
                    held.pop().release();
                }
            }

            @Override
            public void close() {
                held.forEach(LockHandle::close);
                pool.close();
            }
        };
    }

    private static Holder registry(HikariDataSource pool, CountingDataSource counting) {
        RegistryClient client = new RegistryClient(counting.wrap(pool), pool, "unused", Peer.WAIT);
        Deque<Lock> held = new ArrayDeque<>();
        return new Holder() {
            @Override
            public void acquire(String name) throws Exception {
                Lock lock = client.registry().obtain(name);
                if (!lock.tryLock(Peer.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("not granted: " + name);
                }
                held.push(lock);
            }

            @Override
            public void releaseAll() {
                while (!held.isEmpty()) {
                    held.pop().unlock();
                }
            }

            @Override
            public void close() throws Exception {
                client.close();
            }
        };
    }

    private static Holder shedLock(HikariDataSource pool, CountingDataSource counting) {
        ShedLockClient client = new ShedLockClient(counting.wrap(pool), pool, "unused");
        Deque<SimpleLock> held = new ArrayDeque<>();
        return new Holder() {
            @Override
            public void acquire(String name) {
                held.push(client.tryLock(name).orElseThrow(() -> new IllegalStateException("not granted: " + name)));
            }

            @Override
            public void releaseAll() {
                while (!held.isEmpty()) {
                    held.pop().unlock();
                }
            }

            @Override
            public void close() throws Exception {
                client.close();
            }
        };
    }
}
