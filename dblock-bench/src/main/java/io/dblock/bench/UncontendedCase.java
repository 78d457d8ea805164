package io.dblock.bench;

import io.dblock.AdvisoryLock;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.TableLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * One uncontended acquire+release, as a JMH {@code @Param} value and a round-trip count. Each dblock case names the
 * raw-JDBC case that is its floor; the peers are compared with {@link #DBLOCK_ACQUIRE}.
 */
enum UncontendedCase {
    RAW_LOCK_UNLOCK("raw-lock-unlock", null, "pg_advisory_lock + pg_advisory_unlock", "GET_LOCK + RELEASE_LOCK"),
    RAW_TRY_LOCK_UNLOCK(
            "raw-try-lock-unlock",
            null,
            "pg_try_advisory_lock + pg_advisory_unlock",
            "GET_LOCK(name, 0) + RELEASE_LOCK"),
    RAW_XACT_LOCK_COMMIT("raw-xact-lock-commit", null, "pg_advisory_xact_lock + COMMIT", null),
    RAW_LOCK_TABLE_COMMIT(
            "raw-lock-table-commit",
            null,
            "LOCK TABLE (lock_timeout 2 s set once) + COMMIT",
            "LOCK TABLES t WRITE WAIT 2 + COMMIT + UNLOCK TABLES"),
    /** Diagnostic: raw JDBC sending exactly dblock's SQL, to tell the cost of that SQL from the library's own. */
    RAW_DBLOCK_SQL(
            "raw-dblock-sql",
            RAW_LOCK_UNLOCK,
            "dblock's statements by hand: one batch of set_config + (pg_advisory_lock, pg_backend_pid), then"
                    + " (pg_advisory_unlock, pg_backend_pid)",
            "dblock's statements by hand: SELECT CONNECTION_ID(), GET_LOCK(name, 31536000.000000), then"
                    + " RELEASE_LOCK"),
    DBLOCK_ACQUIRE("dblock-acquire-release", RAW_LOCK_UNLOCK, "advisory(name).acquire() + release()"),
    DBLOCK_NO_SITES("dblock-acquire-release-no-sites", RAW_LOCK_UNLOCK, "the same, recordAcquisitionSites(false)"),
    DBLOCK_NO_KEEPALIVE(
            "dblock-acquire-release-no-keepalive", RAW_LOCK_UNLOCK, "the same, keepaliveAt(0): no keepalive passes"),
    DBLOCK_TRY("dblock-try-acquire-release", RAW_TRY_LOCK_UNLOCK, "advisory(name).tryAcquire() + release()"),
    DBLOCK_TIMEOUT(
            "dblock-timeout-acquire-release", RAW_LOCK_UNLOCK, "advisory(name).timeout(2 s).acquire() + release()"),
    DBLOCK_TRANSACTION(
            "dblock-transaction-lock-commit",
            RAW_XACT_LOCK_COMMIT,
            "advisory(name).acquireForTransaction(c) + COMMIT",
            null),
    DBLOCK_REENTRANT(
            "dblock-reentrant-acquire-release", null, "acquire() + release() of a key the thread already holds"),
    DBLOCK_TABLE(
            "dblock-table-timeout-commit",
            RAW_LOCK_TABLE_COMMIT,
            "tables(t).timeout(2 s).acquire(c) + COMMIT + release(c)"),
    JDBC_LOCK_REGISTRY("jdbc-lock-registry-trylock-unlock", null, "obtain(name).tryLock(2 s) + unlock()"),
    SHEDLOCK("shedlock-lock-unlock", null, "lock(config) + unlock()");

    private static final String LOCK_NAME = "bench:uncontended";

    final String key;
    final UncontendedCase floor;
    private final String postgresSql;
    private final String mariaDbSql;

    UncontendedCase(String key, UncontendedCase floor, String what) {
        this(key, floor, what, what);
    }

    UncontendedCase(String key, UncontendedCase floor, String postgresSql, String mariaDbSql) {
        this.key = key;
        this.floor = floor;
        this.postgresSql = postgresSql;
        this.mariaDbSql = mariaDbSql;
    }

    static UncontendedCase of(String key) {
        for (UncontendedCase c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown case " + key);
    }

    /** The cases that exist on {@code engine} (MariaDB has no transaction-scoped advisory locks). */
    static List<UncontendedCase> on(String engine) {
        return java.util.Arrays.stream(values())
                .filter(c -> c.description(engine) != null)
                .toList();
    }

    /** What the case runs on {@code engine}, or null if it cannot run there. */
    String description(String engine) {
        return engine.equals("postgres") ? postgresSql : mariaDbSql;
    }

    /** A dblock case, judged against its floor (the diagnostic raw cases have a floor too, but are not judged). */
    boolean isDblock() {
        return key.startsWith("dblock");
    }

    boolean isPeer() {
        return this == JDBC_LOCK_REGISTRY || this == SHEDLOCK;
    }

    /** One operation ready to repeat, on connections made through {@code wrap} (e.g. a statement counter). */
    interface Fixture extends AutoCloseable {
        void run() throws Exception;
    }

    Fixture open(Target target, UnaryOperator<DataSource> wrap) throws Exception {
        DataSource physical = wrap.apply(target.driverDataSource());
        boolean pg = target.isPostgres();
        return switch (this) {
            case RAW_LOCK_UNLOCK, RAW_TRY_LOCK_UNLOCK ->
                client(new RawClients.Advisory(physical.getConnection(), pg, LOCK_NAME, this == RAW_TRY_LOCK_UNLOCK));
            case RAW_XACT_LOCK_COMMIT -> rawTransactionLock(physical.getConnection());
            case RAW_DBLOCK_SQL -> rawDblockSql(physical.getConnection(), pg);
            case RAW_LOCK_TABLE_COMMIT -> client(new RawClients.Table(physical.getConnection(), pg));
            case DBLOCK_ACQUIRE, DBLOCK_NO_SITES, DBLOCK_NO_KEEPALIVE, DBLOCK_TRY, DBLOCK_TIMEOUT, DBLOCK_REENTRANT ->
                sessionLock(Target.pool(physical, Peer.POOL_SIZE, key));
            case DBLOCK_TRANSACTION, DBLOCK_TABLE -> inTransaction(physical);
            case JDBC_LOCK_REGISTRY ->
                client(new RegistryClient(Target.pool(physical, Peer.POOL_SIZE, key), LOCK_NAME, Peer.WAIT));
            case SHEDLOCK -> client(new ShedLockClient(Target.pool(physical, Peer.POOL_SIZE, key), LOCK_NAME));
        };
    }

    private static Fixture client(LockClient client) {
        return new Fixture() {
            @Override
            public void run() throws Exception {
                client.acquire();
                client.release();
            }

            @Override
            public void close() throws Exception {
                client.close();
            }
        };
    }

    private static Fixture rawTransactionLock(Connection connection) throws Exception {
        connection.setAutoCommit(false);
        PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)");
        lock.setLong(1, io.dblock.LockKey.of(LOCK_NAME).longValue());
        return new Fixture() {
            @Override
            public void run() throws Exception {
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                }
                connection.commit();
            }

            @Override
            public void close() throws Exception {
                connection.close();
            }
        };
    }

    /** What dblock sends for an uncontended wait-forever acquire and its release, without dblock. */
    private static Fixture rawDblockSql(Connection connection, boolean pg) throws Exception {
        long key = io.dblock.LockKey.of(LOCK_NAME).longValue();
        String name = connection.getCatalog() + "." + LOCK_NAME;
        String lockSql = pg
                ? "SELECT set_config('lock_timeout', ?, true);\nSELECT pg_advisory_lock(?::int8), pg_backend_pid()"
                : "SELECT CONNECTION_ID(), GET_LOCK(?, ?)";
        String unlockSql = pg ? "SELECT pg_advisory_unlock(?::int8), pg_backend_pid()" : "SELECT RELEASE_LOCK(?)";
        return new Fixture() {
            @Override
            public void run() throws Exception {
                try (PreparedStatement lock = connection.prepareStatement(lockSql)) {
                    lock.setObject(1, pg ? "0" : name);
                    lock.setObject(2, pg ? (Object) key : new java.math.BigDecimal("31536000.000000"));
                    drain(lock, lock.execute());
                }
                try (PreparedStatement unlock = connection.prepareStatement(unlockSql)) {
                    unlock.setObject(1, pg ? (Object) key : name);
                    drain(unlock, unlock.execute());
                }
            }

            @Override
            public void close() throws Exception {
                connection.close();
            }
        };
    }

    /** Reads every result of an execution, as dblock does. */
    private static void drain(PreparedStatement statement, boolean isResultSet) throws Exception {
        while (isResultSet || statement.getUpdateCount() != -1) {
            if (isResultSet) {
                try (ResultSet rs = statement.getResultSet()) {
                    while (rs.next()) {
                        rs.getObject(1);
                    }
                }
            }
            isResultSet = statement.getMoreResults();
        }
    }

    private Fixture sessionLock(com.zaxxer.hikari.HikariDataSource pool) {
        DbLocks locks = DbLocks.builder(pool)
                .recordAcquisitionSites(this != DBLOCK_NO_SITES)
                .keepaliveAt(this == DBLOCK_NO_KEEPALIVE ? 0 : 1.0 / 3)
                .build();
        LockHandle outer = this == DBLOCK_REENTRANT ? locks.advisory(LOCK_NAME).acquire() : null;
        return new Fixture() {
            @Override
            public void run() {
                AdvisoryLock lock = locks.advisory(LOCK_NAME);
                LockHandle h =
                        switch (UncontendedCase.this) {
                            case DBLOCK_TRY -> lock.tryAcquire().orElseThrow();
                            case DBLOCK_TIMEOUT -> lock.timeout(Peer.WAIT).acquire();
                            default -> lock.acquire();
                        };
                h.release();
            }

            @Override
            public void close() {
                if (outer != null) {
                    outer.release();
                }
                pool.close();
            }
        };
    }

    private Fixture inTransaction(DataSource physical) throws Exception {
        DbLocks locks = DbLocks.create(physical);
        Connection connection = physical.getConnection();
        connection.setAutoCommit(false);
        TableLock table = locks.tables(Schema.TABLE).timeout(Peer.WAIT);
        return new Fixture() {
            @Override
            public void run() throws Exception {
                if (UncontendedCase.this == DBLOCK_TRANSACTION) {
                    locks.advisory(LOCK_NAME).acquireForTransaction(connection);
                    connection.commit();
                } else {
                    table.acquire(connection);
                    connection.commit();
                    table.release(connection);
                }
            }

            @Override
            public void close() throws Exception {
                connection.close();
            }
        };
    }
}
