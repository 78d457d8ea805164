package io.dblock;

import io.dblock.spi.LockEngine;
import java.sql.SQLException;

/**
 * The fencing tokens of session holds: the token a thread's hold of a key got when it began (kept on its {@link Pin},
 * so re-entrant acquisitions cost no SQL), else the next one from the fencing-token table, with a missing table
 * explained.
 */
final class FencingTokens {

    private final LockEngine engine;
    private final javax.sql.DataSource dataSource;

    FencingTokens(LockEngine engine, javax.sql.DataSource dataSource, PoolerSetting pooler) {
        this.engine = engine;
        this.dataSource = dataSource;
        this.pooler = pooler;
    }

    private final PoolerSetting pooler;

    /**
     * The fencing token of {@code key} for this hold: the one read when the thread's hold of the key began, else a new
     * one from {@code table}.
     */
    long token(Pin pin, TableName table, LockKey key, String description, long start) {
        Pin.TokenKey held = new Pin.TokenKey(Thread.currentThread(), key);
        Long known = pin.fencingTokens.get(held);
        if (known != null) {
            return known;
        }
        try {
            io.dblock.spi.Fencing fencing = Facets.require(engine, io.dblock.spi.Fencing.class, description);
            long token = pin.heldInTransaction
                    ? onOwnConnection(fencing, table, key)
                    : NetworkBound.run(pin.connection, () -> fencing.nextFencingToken(pin.connection, table, key));
            pin.fencingTokens.put(held, token);
            return token;
        } catch (SQLException e) {
            String state = e.getSQLState();
            if ("42P01".equals(state) || "42S02".equals(state)) {
                throw missingTable(table, description, start, e);
            }
            throw Errors.translate(engine, e, description, Durations.since(start));
        }
    }

    /**
     * Behind a transaction pooler the pin's transaction is rolled back when its locks end, so the token is counted on a
     * connection of its own, in auto-commit, while the lock is held: it stays counted.
     */
    private long onOwnConnection(io.dblock.spi.Fencing fencing, TableName table, LockKey key) throws SQLException {
        try (java.sql.Connection own = dataSource.getConnection()) {
            Runnable restore = pooler.adapt(own);
            try {
                if (!own.getAutoCommit()) {
                    own.setAutoCommit(true);
                }
                return NetworkBound.run(own, () -> fencing.nextFencingToken(own, table, key));
            } finally {
                restore.run();
            }
        }
    }

    /** The exception for a fencing-token table that does not exist, with the DDL that creates it. */
    private io.dblock.LockUsageException missingTable(TableName table, String description, long start, SQLException e) {
        return new io.dblock.LockUsageException(
                "the fencing-token table " + table + " does not exist: create it once with"
                        + " DbLocks.createFencingTable(), or run: "
                        + Facets.require(engine, io.dblock.spi.Fencing.class, description)
                                .fencingTableDdl(table),
                description,
                engine.name(),
                Durations.since(start),
                e);
    }
}
