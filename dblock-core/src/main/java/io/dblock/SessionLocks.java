package io.dblock;

import io.dblock.spi.LockEngine;
import io.dblock.spi.Wait;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Session-scoped advisory locks for one {@code DbLocks}: the parts, wired together, and the entry points the handles,
 * the watchdog and shutdown call.
 *
 * <p>Acquisition is {@link SessionAcquisition}'s. Release drops the hold counts, unlocks keys whose count reached zero
 * in one statement, and gives the pinned connection back when the thread's last server hold is gone; if the unlock
 * statement fails, the connection is discarded (aborted, and dropped by its pool) rather than returned to the pool
 * with a lock possibly still held ({@link SessionRelease}). Pinning is {@link SessionPins}', the holds and leaked
 * handles {@link SessionHolds}', liveness checks {@link SessionLiveness}', keepalives {@link SessionKeepalive}' and
 * shutdown {@link SessionShutdown}'s; {@link FencingTokens} reads fenced holds' tokens. They all log under this
 * class's name.
 */
final class SessionLocks {

    static final System.Logger LOG = System.getLogger(SessionLocks.class.getName());

    private final DataSource dataSource;
    private final LockEngine engine;
    private final LocalLocks local = new LocalLocks();
    private final SessionPins pins;
    private final SessionHolds holds;
    private final SessionLiveness liveness;
    private final HoldConfirmation confirmation;
    private final SessionKeepalive keepalive;
    private final SessionShutdown shutdown;
    private final SessionRelease release;
    private final SessionAcquisition acquisition;

    final Listeners listeners;

    /**
     * @param settings whether to record acquisition sites, and the watchdog's interval: how old the last confirmation
     *     that a pin's session holds its locks may be before a re-entrant acquisition asks the server again (see {@link
     *     HoldConfirmation})
     * @param housekeeping the thread that releases leaked handles
     * @param deadlockPasses the thread that looks for deadlocks through multiplexed connections
     */
    SessionLocks(
            DataSource dataSource,
            LockEngine engine,
            Listeners listeners,
            LockSettings settings,
            WaitGuards guards,
            PoolerSetting pooler,
            ServerChecks servers,
            BackgroundThreads.Kind housekeeping,
            BackgroundThreads.Kind deadlockPasses) {
        this.dataSource = dataSource;
        this.engine = engine;
        this.listeners = listeners;
        this.pins = new SessionPins(dataSource, engine, pooler, servers, settings.multiplexing);
        this.holds = new SessionHolds(listeners, settings.recordSites, this::releaseLeaked, housekeeping);
        this.liveness = new SessionLiveness(engine, listeners, holds);
        this.confirmation = new HoldConfirmation(engine, liveness, settings.watchdogInterval);
        this.keepalive = new SessionKeepalive(
                engine, liveness, settings.keepaliveFraction, settings.silentClientBound, settings.poolerIdleLimit);
        this.shutdown = new SessionShutdown(holds, liveness);
        this.release = new SessionRelease(engine, local, pins, holds, shutdown);
        CrossNodeDeadlocks deadlocks =
                pins.shared == null ? null : new CrossNodeDeadlocks(engine, local, pins.shared, deadlockPasses);
        this.acquisition = new SessionAcquisition(
                this,
                deadlocks,
                guards,
                local,
                pins,
                holds,
                liveness,
                confirmation,
                release,
                new FencingTokens(engine, dataSource, pooler));
    }

    /** How {@link SessionHolds} releases a leaked hold (through a method: {@code release} is built after it). */
    private void releaseLeaked(Hold hold) {
        release.releaseHold(hold);
    }

    Optional<LockHandle> acquire(
            List<LockKey> keys,
            AdvisoryLockMode mode,
            Wait wait,
            String description,
            io.dblock.Priority priority,
            io.dblock.TableName fencingTable) {
        long start = System.nanoTime();
        shutdown.requireOpen(description);
        holds.releaseLeaks();
        Pin[] entered = {pins.enterCurrent()};
        try {
            return acquisition.acquire(
                    new SessionAcquisition.Request(keys, mode, wait, description, priority, fencingTable, start),
                    entered);
        } finally {
            if (entered[0] != null) {
                holds.leave(entered[0]);
            }
        }
    }

    /** Called by {@link SessionHandle#release()} on the owner thread; see {@link SessionRelease#release}. */
    void release(Hold hold) {
        release.release(hold);
    }

    /** Called by {@link SessionHandle#confirmHeld()} on the owner thread; see {@link HoldConfirmation#confirmHeld}. */
    boolean confirmHeld(Hold hold) {
        return confirmation.confirmHeld(hold);
    }

    /** One keepalive pass; see {@link SessionKeepalive#keepAlive}. */
    List<String> keepAlive() {
        return keepalive.keepAlive();
    }

    /** One watchdog pass; see {@link SessionLiveness#checkLive}. */
    List<String> checkLive() {
        return liveness.checkLive();
    }

    /** Whether any hold is not yet released (or not yet found released by a watchdog pass). */
    boolean hasLiveHolds() {
        return !holds.live.isEmpty();
    }

    /** Releases leaked holds whose connection no thread is using; see {@link SessionHolds#releaseLeaks}. */
    void releaseLeaks() {
        holds.releaseLeaks();
    }

    /** Shuts down; see {@link SessionShutdown#shutDown}. */
    void shutDown(Duration grace) {
        shutdown.shutDown(grace);
    }

    /**
     * Runs a read-only query on the thread's pinned connection, if it has a usable one (to inspect without borrowing a
     * second connection).
     *
     * @return the query's (non-null) result, or empty if the thread has no pinned connection
     */
    <R> Optional<R> onPinned(LockContext.SqlFunction<R> query) throws SQLException {
        Pin pin = pins.enterCurrent();
        if (pin == null) {
            return pins.shared == null ? Optional.empty() : onShared(query);
        }
        try {
            return pin.broken ? Optional.empty() : Optional.of(query.apply(pin.connection));
        } finally {
            holds.leave(pin);
        }
    }

    /**
     * {@link #onPinned} when multiplexed: on the shared connection of one of the calling thread's holds (as a pinned
     * thread's own connection), entered for the query; empty if the thread holds nothing.
     */
    private <R> Optional<R> onShared(LockContext.SqlFunction<R> query) throws SQLException {
        for (LocalKey.Holder held : local.granted(Thread.currentThread())) {
            Pin pin = held.pin;
            pin.busy.lock();
            try {
                if (!pin.returned && !pin.broken) {
                    return Optional.of(query.apply(pin.connection));
                }
            } finally {
                holds.leave(pin);
            }
        }
        return Optional.empty();
    }

    /** The connections a multiplexed instance uses now, with the server holds on each; see {@link #connections()}. */
    io.dblock.inspect.ConnectionUse connections() {
        boolean on = pins.shared != null && pins.decided();
        return on
                ? new io.dblock.inspect.ConnectionUse(true, pins.shared.bound(), pins.shared.holdsPerConnection())
                : new io.dblock.inspect.ConnectionUse(false, 0, List.of());
    }

    LockEngine engine() {
        return engine;
    }

    int locallyWaitingThreads() {
        return local.waitingThreads();
    }
}
