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

    FencingTokens(LockEngine engine) {
        this.engine = engine;
    }

    /**
     * The fencing token of {@code key} for this hold: the one read when the thread's hold of the key began, else a new
     * one from {@code table}.
     */
    long token(Pin pin, TableName table, LockKey key, String description, long start) {
        Long known = pin.fencingTokens.get(key);
        if (known != null) {
            return known;
        }
        try {
            io.dblock.spi.Fencing fencing = Facets.require(engine, io.dblock.spi.Fencing.class, description);
            long token = NetworkBound.run(pin.connection, () -> fencing.nextFencingToken(pin.connection, table, key));
            pin.fencingTokens.put(key, token);
            return token;
        } catch (SQLException e) {
            String state = e.getSQLState();
            if ("42P01".equals(state) || "42S02".equals(state)) {
                throw missingTable(table, description, start, e);
            }
            throw Errors.translate(engine, e, description, Durations.since(start));
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
