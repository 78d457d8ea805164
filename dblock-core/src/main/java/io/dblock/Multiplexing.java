package io.dblock;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How session locks share connections ({@link DbLocks.Builder#multiplexing(Multiplexing)}). Immutable and thread-safe.
 *
 * <p><b>Multiplexed</b>: many holders share a bounded set of connections, so holders are not capped by the pool. The
 * rules that make sharing safe:
 *
 * <ul>
 *   <li>Same-key cases are decided in memory before the server is asked (a session's locks are re-entrant on the
 *       server, so two threads on one connection would both be granted a key): a conflicting request waits for the
 *       other thread locally, a re-entrant one only counts up.
 *   <li>An acquisition first tries, without waiting, on a connection that already holds other locks. A server-side
 *       wait never runs on such a connection (it would hold up every release and keepalive there): it runs on a
 *       connection holding nothing, which is shared once granted.
 *   <li>Statements on a shared connection never overlap; keepalive and liveness checks run once per connection, and a
 *       connection that dies reports exactly its own locks lost.
 * </ul>
 *
 * At most {@link #maxConnections()} connections are used for session locks at once: those holding locks and those
 * waiting. An acquisition that needs a connection to wait on when all are in use waits for one (in arrival order,
 * within its own deadline, and at most {@value #SLOT_WAIT_SECONDS} s, then {@link LockFailedException}). The default
 * bound is half the pool's maximum size (at least 2, at most the pool), read from HikariCP, DBCP2, Tomcat JDBC or c3p0,
 * else {@value #DEFAULT_MAX_CONNECTIONS}. Size the pool as {@code application peak + maxConnections}; see the README's
 * "Connections" section.
 *
 * <p><b>Off</b> ({@link #off()}): each holding thread pins a connection of its own for as long as it holds a session
 * lock, and waits on it. Multiplexing is also off, with a log line saying why, behind a transaction pooler ({@link
 * Pooler#TRANSACTION}: locks held in a transaction are released in layers per thread).
 *
 * <p>Transaction-scoped and table locks are not affected: they live on the caller's connection.
 */
public final class Multiplexing {

    /** The bound used when the pool's size cannot be read. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4;

    /** How long an acquisition waits at most for a free connection slot, in seconds (like a pool's own timeout). */
    public static final int SLOT_WAIT_SECONDS = 30;

    private static final Multiplexing DEFAULTS = new Multiplexing(true, 0);
    private static final Multiplexing OFF = new Multiplexing(false, 0);

    private final boolean on;
    private final int maxConnections;

    private Multiplexing(boolean on, int maxConnections) {
        this.on = on;
        this.maxConnections = maxConnections;
    }

    /** Multiplexed, on at most half the pool's connections (see the class description). The default. */
    public static Multiplexing defaults() {
        return DEFAULTS;
    }

    /**
     * Multiplexed on at most {@code maxConnections} connections.
     *
     * @throws IllegalArgumentException if not at least 1 (at least 2 lets a thread holding locks wait for another)
     */
    public static Multiplexing upTo(int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException(
                    "maxConnections must be at least 1 (Multiplexing.off() for one connection per holding thread): "
                            + maxConnections);
        }
        return new Multiplexing(true, maxConnections);
    }

    /** Not multiplexed: one connection per holding thread, as dblock did before multiplexing. */
    public static Multiplexing off() {
        return OFF;
    }

    /** Whether holders share connections. */
    public boolean isOn() {
        return on;
    }

    /** The bound set with {@link #upTo}; empty for the default (from the pool's size) and when off. */
    public OptionalInt maxConnections() {
        return maxConnections == 0 ? OptionalInt.empty() : OptionalInt.of(maxConnections);
    }

    /** The bound for a pool of {@code poolSize} connections (0: unknown). */
    int boundFor(int poolSize) {
        if (maxConnections > 0) {
            return maxConnections;
        }
        return poolSize <= 0 ? DEFAULT_MAX_CONNECTIONS : Math.min(poolSize, Math.max(2, poolSize / 2));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiplexing m && m.on == on && m.maxConnections == maxConnections;
    }

    @Override
    public int hashCode() {
        return Objects.hash(on, maxConnections);
    }

    @Override
    public String toString() {
        return !on
                ? "Multiplexing[off]"
                : "Multiplexing[maxConnections=" + (maxConnections == 0 ? "half the pool" : maxConnections) + "]";
    }
}
