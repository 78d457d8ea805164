package io.dblock.inspect;

import java.util.List;

/**
 * The connections one {@code DbLocks} holds for its session locks now ({@link LockInspector#connections()}), read
 * without SQL.
 *
 * @param multiplexed whether holders share connections ({@link io.dblock.Multiplexing}); false until the first session
 *     lock decided it, and when off
 * @param maxConnections the most connections multiplexed session locks use at once; 0 when not multiplexed
 * @param holdsPerConnection for each connection in use (holding locks, or waiting for one), how many server-side holds
 *     it has; empty when not multiplexed (each holding thread then pins one connection of its own)
 */
public record ConnectionUse(boolean multiplexed, int maxConnections, List<Integer> holdsPerConnection) {

    /** Copies the list. */
    public ConnectionUse {
        holdsPerConnection = List.copyOf(holdsPerConnection);
    }

    /** How many connections are in use for session locks now (multiplexed only). */
    public int inUse() {
        return holdsPerConnection.size();
    }
}
