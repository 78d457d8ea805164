package io.dblock;

import io.dblock.spi.Failure;
import io.dblock.spi.LockEngine;
import io.dblock.spi.SessionLimits;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps pinned sessions in use where the server ends idle sessions ({@link SessionLimits}: PostgreSQL {@code
 * idle_session_timeout}, MySQL/MariaDB {@code wait_timeout}), so that an idle holder does not lose its locks to the
 * server's limit.
 */
final class SessionKeepalive {

    /** Logs under {@link SessionLocks}' name, as before these parts had classes of their own. */
    private static final System.Logger LOG = SessionLocks.LOG;

    private static final long SHORTEST_CADENCE_NANOS = Duration.ofMillis(10).toNanos();

    private final LockEngine engine;
    private final SessionLiveness liveness;

    /** The share of the server's idle limit after which an idle pinned session is used again (default a third). */
    private final double fraction;

    /** How long the server may keep a session whose client went silent; zero leaves the server's own. */
    private final Duration silentClientBound;
    /** A pooler's limit on an idle transaction (PgBouncer idle_transaction_timeout), for locks held in one; ZERO: none. */
    private final Duration poolerIdleLimit;

    SessionKeepalive(
            LockEngine engine,
            SessionLiveness liveness,
            double fraction,
            Duration silentClientBound,
            Duration poolerIdleLimit) {
        this.engine = engine;
        this.poolerIdleLimit = poolerIdleLimit;
        this.liveness = liveness;
        this.fraction = fraction;
        this.silentClientBound = silentClientBound;
    }

    /**
     * One keepalive pass. For each pinned connection with live holds whose server ends idle sessions: on the first pass
     * after it was pinned, reads the limit (one query, which is use too); afterwards, once the session has been idle
     * for its share of the limit (a third by default), confirms its holds as the watchdog does (one query), which keeps it busy. A pin whose
     * owner is inside dblock is skipped (its own statement is use enough), so a keepalive never runs beside another
     * statement on the same connection.
     *
     * @return the descriptions of the holds found lost on the way
     */
    List<String> keepAlive() {
        List<String> lost = new ArrayList<>();
        if (fraction == 0) {
            return lost; // turned off: the watchdog still checks
        }
        long now = System.nanoTime();
        for (Pin pin : liveness.pinsOfLiveHolds()) {
            if (isDue(pin, now) && pin.busy.tryLock()) {
                try {
                    if (!pin.returned && !keepAlive(pin, now)) {
                        pin.broken = true;
                        lost.addAll(liveness.reportLost(pin));
                    }
                } finally {
                    pin.busy.unlock();
                }
            }
        }
        return lost;
    }

    /** Whether the pin's limit is still to be read (cadence below 0), or it has been idle for its cadence. */
    private static boolean isDue(Pin pin, long now) {
        long cadence = pin.keepaliveNanos;
        return !pin.broken && cadence != 0 && (cadence < 0 || now - pin.confirmedAt >= cadence);
    }

    /**
     * Uses the entered pin's session once: reads its idle limit the first time, confirms its holds afterwards.
     *
     * @return false if the session is gone or no longer holds its locks
     */
    private boolean keepAlive(Pin pin, long now) {
        if (pin.keepaliveNanos > 0) {
            return liveness.confirm(pin);
        }
        try {
            pin.keepaliveNanos = readCadence(pin);
            pin.confirmedAt = Math.max(pin.confirmedAt, now);
            return true;
        } catch (SQLException e) {
            pin.keepaliveNanos = 0;
            if (engine.classify(e) == Failure.CONNECTION) {
                pin.failedWith(e);
                return false;
            }
            LOG.log(Level.DEBUG, "reading the session's idle limit failed; no keepalive for it", e);
            return true;
        }
    }

    /**
     * Labels the session as a dblock holder and sets its silent-client bound (if any), one statement, then reads its idle limit: the fraction of the shorter of the
     * two (at least 10 ms), 0 if there is neither or the engine cannot tell.
     */
    private long readCadence(Pin pin) throws SQLException {
        Optional<SessionLimits> limits = engine.facet(SessionLimits.class);
        if (limits.isEmpty()) {
            return 0;
        }
        if (pin.silentClientRestore == null) {
            pin.silentClientRestore = bounded(
                    pin, () -> limits.get().prepareHolder(pin.connection, silentClientBound, HolderLabel.get()));
        }
        Optional<Duration> idle = bounded(pin, () -> limits.get().idleLimit(pin.connection));
        if (pin.heldInTransaction && !poolerIdleLimit.isZero()) {
            idle = Optional.of(
                    idle.filter(d -> d.compareTo(poolerIdleLimit) < 0).orElse(poolerIdleLimit));
        }
        Optional<Duration> shortest = silentClientBound.isZero()
                ? idle
                : Optional.of(
                        idle.filter(d -> d.compareTo(silentClientBound) < 0).orElse(silentClientBound));
        return shortest.map(limit -> Math.max(SHORTEST_CADENCE_NANOS, (long) (limit.toNanos() * fraction)))
                .orElse(0L);
    }

    private static <R> R bounded(Pin pin, NetworkBound.Call<R> call) throws SQLException {
        return NetworkBound.run(pin.connection, SessionLiveness.CHECK_BOUND_MILLIS, call);
    }
}
