package io.dblock;

import io.dblock.spi.LockEngine;
import io.dblock.spi.ServerStatus;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The checks of {@link Failover} on the server a newly pinned connection reaches, made once per physical connection
 * (the pool's, unwrapped; they stay with one server for life): a standby is refused, and a server that came up less
 * than the grace period ago gives the time its grace ends. A primary whose grace has passed needs no check again.
 *
 * <p>Thread-safe.
 */
final class ServerChecks {

    private static final System.Logger LOG = SessionLocks.LOG;

    private final LockEngine engine;
    private final Optional<ServerStatus> status;
    private final boolean allowStandby;
    private final long graceNanos;
    /** The physical connections checked, and the {@link System#nanoTime()} their server's grace ends (0: none). */
    private final Map<Connection, Long> checked = Collections.synchronizedMap(new WeakHashMap<>());
    /** The latest grace end seen, for the inspector. */
    private final AtomicLong latestGraceEnd = new AtomicLong();

    private final AtomicBoolean unknownLogged = new AtomicBoolean();

    ServerChecks(LockEngine engine, LockSettings settings) {
        this.engine = engine;
        this.status = engine.facet(ServerStatus.class);
        this.allowStandby = settings.failover.allowsStandby();
        this.graceNanos = settings.grace().toNanos();
    }

    /**
     * Checks the server of {@code connection} before its first session lock.
     *
     * @return the {@link System#nanoTime()} at which its grace period ends; 0 if it has none left
     * @throws LockUsageException if the server is a standby and standbys are not allowed
     * @throws SQLException if the server cannot be asked
     */
    /** The server's status; a standby is refused unless allowed, and what could not be read is logged once. */
    private ServerStatus.Status read(Connection connection, String description) throws SQLException {
        ServerStatus.Status server =
                NetworkBound.run(connection, () -> status.get().read(connection));
        if (server.standby() && !allowStandby) {
            throw standby(description);
        }
        if (server.unknown() != null && unknownLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "dblock cannot read " + server.unknown());
        }
        return server;
    }

    long check(Connection connection, String description) throws SQLException {
        if (status.isEmpty() || (graceNanos == 0 && allowStandby)) {
            return 0;
        }
        Connection physical =
                connection.isWrapperFor(Connection.class) ? connection.unwrap(Connection.class) : connection;
        Long known = checked.get(physical);
        if (known != null) {
            return known == 0 || known - System.nanoTime() <= 0 ? 0 : known;
        }
        ServerStatus.Status server = read(connection, description);
        long left = server.upFor().map(up -> graceNanos - up.toNanos()).orElse(0L);
        long ends = left > 0 ? System.nanoTime() + left : 0;
        latestGraceEnd.accumulateAndGet(ends, Math::max);
        checked.put(physical, ends);
        return ends;
    }

    /** How much of the grace period of a server this instance saw come up is left; empty if none. */
    Optional<Duration> graceLeft() {
        long left = latestGraceEnd.get() - System.nanoTime();
        return latestGraceEnd.get() != 0 && left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
    }

    private LockUsageException standby(String description) {
        String cure = engine.name().equals("PostgreSQL")
                ? "point the pool at the primary (pgjdbc: targetServerType=primary in the JDBC URL, not any,"
                        + " secondary or preferSecondary; not loadBalanceHosts=true across a standby)"
                : "point the pool at the primary (MariaDB Connector/J: jdbc:mariadb:replication:// or sequential://"
                        + " with the primary first; MySQL Connector/J: jdbc:mysql:replication:// with the connection"
                        + " not read-only)";
        return new LockUsageException(
                "this connection reaches a standby ("
                        + (engine.name().equals("PostgreSQL")
                                ? "pg_is_in_recovery() is true"
                                : "read-only, with replication configured")
                        + "): a session lock there excludes nothing on"
                        + " the primary, so another node could hold it at the same time; " + cure
                        + ", or allow it with DbLocks.Builder.failover(Failover.defaults().allowingStandby())",
                description);
    }
}
