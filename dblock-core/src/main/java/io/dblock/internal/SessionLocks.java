package io.dblock.internal;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockDeadlockException;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.LockLostException;
import io.dblock.spi.Deadline;
import io.dblock.spi.LockEngine;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * Session-scoped advisory locks for one {@code DbLocks}.
 *
 * <p>Acquire:
 *
 * <ol>
 *   <li>Claim the keys in {@link LocalLocks} (re-entered keys just count up; conflicting ones wait locally, bounded by
 *       the same deadline, with local deadlock detection).
 *   <li>If some keys are new for this thread, take the thread's pinned connection (borrowing one from the {@code
 *       DataSource} if it has none) and acquire them on the server in one batch, waiting for what is left of the
 *       deadline; an interrupt cancels the server wait.
 *   <li>On success confirm the claim; otherwise undo it and give the connection back if it holds nothing else.
 * </ol>
 *
 * Release drops the hold counts, unlocks keys whose count reached zero in one statement, and gives the pinned
 * connection back when the thread's last server hold is gone. If the unlock statement fails, the connection is
 * discarded (aborted, and dropped by its pool) rather than returned to the pool with a lock possibly still held.
 */
final class SessionLocks {

    private static final System.Logger LOG = System.getLogger(SessionLocks.class.getName());

    private final DataSource dataSource;
    private final LockEngine engine;
    private final LocalLocks local = new LocalLocks();
    private final ThreadLocal<Pin> pins = new ThreadLocal<>();

    final Listeners listeners;

    private final boolean recordSites;

    /**
     * How old the last confirmation that a pin's session holds its locks may be before a re-entrant acquisition asks the
     * server again: the watchdog's interval (it confirms that often), zero when the watchdog is off (then each
     * re-entry asks).
     */
    private final long livenessNanos;

    SessionLocks(
            DataSource dataSource,
            LockEngine engine,
            Listeners listeners,
            boolean recordSites,
            Duration livenessBound) {
        this.livenessNanos = livenessBound.toNanos();
        this.recordSites = recordSites;
        this.dataSource = dataSource;
        this.engine = engine;
        this.listeners = listeners;
    }

    Optional<LockHandle> acquire(
            List<LockKey> keys,
            AdvisoryLockMode mode,
            Wait wait,
            String description,
            io.dblock.Priority priority,
            io.dblock.TableName fencingTable) {
        long start = System.nanoTime();
        if (closing) {
            throw new io.dblock.LockUsageException(
                    "this DbLocks is closed (the application is shutting down): no new session locks", description);
        }
        if (!leaks.isEmpty()) {
            releaseLeaks();
        }
        Pin[] entered = {enterCurrentPin()};
        try {
            return acquireEntered(keys, mode, wait, description, priority, fencingTable, start, entered);
        } finally {
            if (entered[0] != null) {
                leave(entered[0]);
            }
        }
    }

    /**
     * Lets go of a pin the calling thread entered, then releases leaked holds that were queued because it was busy
     * (a leaked hold of this thread is queued exactly when its handle was collected while the thread was in here).
     */
    private void leave(Pin pin) {
        pin.busy.unlock();
        if (!leaks.isEmpty() && !pin.busy.isHeldByCurrentThread()) {
            releaseLeaks();
        }
    }

    /**
     * The acquisition, with {@code entered[0]} the thread's pin (if it has one) held against concurrent leak releases;
     * a pin this method borrows replaces it there, held too.
     */
    private Optional<LockHandle> acquireEntered(
            List<LockKey> keys,
            AdvisoryLockMode mode,
            Wait wait,
            String description,
            io.dblock.Priority priority,
            io.dblock.TableName fencingTable,
            long start,
            Pin[] entered) {
        LocalLocks.Claim claim = claimLocally(keys, mode, wait, start, description);
        if (claim == null) {
            return Optional.empty();
        }
        if (claim.freshKeys.isEmpty()) {
            Pin held = entered[0] != null ? entered[0] : currentPin();
            Long token = null;
            try {
                requireAlive(held, keys, description, start);
                if (fencingTable != null) {
                    token = fencingToken(held, fencingTable, keys.get(0), description, start);
                }
            } catch (RuntimeException e) {
                local.undo(claim);
                throw e;
            }
            return Optional.of(handle(keys, mode, held, start, token));
        }
        if (Thread.currentThread().isInterrupted()) {
            // checked here, not up front: a re-entrant acquisition waits for nothing and is not refused for the flag
            local.undo(claim);
            throw Errors.interrupted(description, engine.name(), Durations.since(start), null);
        }
        Pin pin;
        try {
            pin = pin(description, entered);
        } catch (RuntimeException e) {
            local.undo(claim);
            throw e;
        }
        OptionalLong id = null;
        while (id == null) {
            try {
                Wait left = Deadline.of(wait, start).remaining();
                WaitGuard guard = InterruptWatcher.INSTANCE;
                if (priority != null && !left.isNone()) {
                    if (pin.connectionId < 0) {
                        pin.connectionId = engine.connectionId(pin.connection);
                    }
                    guard = new PrioritisingGuard(dataSource, engine, priority, pin.connectionId, description);
                }
                id = engine.acquireSession(pin.connection, claim.freshKeys, mode, left, guard);
            } catch (SQLException e) {
                if (pin.serverHolds > 0
                        && !pin.broken
                        && !Thread.currentThread().isInterrupted()
                        && engine.classify(e) == io.dblock.spi.Failure.CONNECTION) {
                    // The thread's pinned session died under its other holds: they are lost, and this request took
                    // nothing on a dead session. Report them, then try once more on a fresh connection at once.
                    LOG.log(Level.DEBUG, "the pinned session died; retrying on a fresh connection", e);
                    pin.broken = true;
                    reportLost(pin);
                    try {
                        pin = pin(description, entered);
                    } catch (RuntimeException borrowFailed) {
                        local.undo(claim);
                        borrowFailed.addSuppressed(e);
                        throw borrowFailed;
                    }
                    continue;
                }
                local.undo(claim);
                unpinIfIdle(pin, e);
                throw Errors.translate(engine, e, description, Durations.since(start));
            } catch (RuntimeException | Error e) {
                // an engine's argument check or a driver bug: the session's state is unknown, so clear it (dirty)
                // before
                // the connection goes back, and give the in-memory claim back
                local.undo(claim);
                pin.dirty = true;
                unpinIfIdle(pin, null);
                throw e;
            }
        }
        if (id.isEmpty()) {
            local.undo(claim);
            unpinIfIdle(pin, null);
            return Optional.empty();
        }
        pin.connectionId = id.getAsLong();
        pin.confirmedAt = System.nanoTime();
        pin.serverHolds += claim.freshKeys.size();
        Long token = null;
        if (fencingTable != null) {
            try {
                token = fencingToken(pin, fencingTable, keys.get(0), description, start);
            } catch (RuntimeException e) {
                releaseAfterFailure(pin, claim.freshKeys, mode);
                local.undo(claim);
                unpinIfIdle(pin, null);
                throw e;
            }
        }
        local.confirm(claim);
        return Optional.of(handle(keys, mode, pin, start, token));
    }

    /**
     * The fencing token of {@code key} for this hold: the one read when the thread's hold of the key began (re-entrant
     * acquisitions cost no SQL), else a new one from the table.
     */
    private long fencingToken(Pin pin, io.dblock.TableName table, LockKey key, String description, long start) {
        Long known = pin.fencingTokens.get(key);
        if (known != null) {
            return known;
        }
        try {
            long token = Facets.require(engine, io.dblock.spi.Fencing.class, description)
                    .nextFencingToken(pin.connection, table, key);
            pin.fencingTokens.put(key, token);
            return token;
        } catch (SQLException e) {
            String state = e.getSQLState();
            if ("42P01".equals(state) || "42S02".equals(state)) {
                throw new io.dblock.LockUsageException(
                        "the fencing-token table " + table + " does not exist: create it once with"
                                + " DbLocks.createFencingTable(), or run: "
                                + Facets.require(engine, io.dblock.spi.Fencing.class, description)
                                        .fencingTableDdl(table),
                        description,
                        engine.name(),
                        Durations.since(start),
                        e);
            }
            throw Errors.translate(engine, e, description, Durations.since(start));
        }
    }

    /** Undoes a server acquisition whose follow-up failed; discards the connection if even that fails. */
    private void releaseAfterFailure(Pin pin, List<LockKey> keys, AdvisoryLockMode mode) {
        pin.serverHolds -= keys.size();
        try {
            if (!pin.broken) {
                engine.releaseSession(pin.connection, keys, mode);
            }
        } catch (SQLException e) {
            LOG.log(
                    Level.WARNING,
                    "unlocking " + keys + " after a failed acquisition failed; discarding the connection",
                    e);
            pin.discard();
        }
    }

    /**
     * Before a re-entrant acquisition counts up: refuses a hold whose session is known lost, and asks the server (one
     * round trip, on the pin's own connection) when the last confirmation is older than the liveness bound. A session
     * found gone marks the pin broken and reports its holds lost.
     *
     * @throws LockLostException if the thread's hold of {@code keys} is gone
     */
    private void requireAlive(Pin pin, List<LockKey> keys, String description, long start) {
        long now = System.nanoTime();
        if (!pin.broken && now - pin.confirmedAt < livenessNanos) {
            return;
        }
        SQLException failure = null;
        if (!pin.broken) {
            try {
                if (engine.holders(pin.connection, keys).contains(pin.connectionId)) {
                    pin.confirmedAt = now;
                    return;
                }
            } catch (SQLException e) {
                failure = e;
            }
            pin.broken = true;
            reportLost(pin);
        }
        throw new LockLostException(
                "this thread's hold was lost (its database session ended or no longer holds the lock), so it cannot"
                        + " be re-entered: release the handle it holds, then acquire again",
                description,
                engine.name(),
                Durations.since(start),
                failure);
    }

    /** Reports every unreleased hold on {@code pin} lost (each once); returns their descriptions. */
    private List<String> reportLost(Pin pin) {
        List<String> lost = new java.util.ArrayList<>();
        for (Hold hold : live) {
            if (hold.pin == pin && !hold.isReleased() && hold.reportLost(listeners, Optional.empty())) {
                lost.add(hold.description());
            }
        }
        return lost;
    }

    private LocalLocks.Claim claimLocally(
            List<LockKey> keys, AdvisoryLockMode mode, Wait wait, long start, String description) {
        long deadline = Deadline.of(wait, start).deadlineNanos();
        try {
            return local.enter(keys, mode, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.interrupted(description, engine.name(), Durations.since(start), e);
        } catch (LocalLocks.LocalDeadlock e) {
            throw new LockDeadlockException(
                    "deadlock between threads of this DbLocks: " + e.getMessage(),
                    description,
                    engine.name(),
                    Durations.since(start),
                    null);
        }
    }

    private SessionHandle handle(List<LockKey> keys, AdvisoryLockMode mode, Pin pin, long start, Long fencingToken) {
        Hold hold = new Hold(
                keys,
                mode,
                pin,
                Thread.currentThread(),
                Durations.since(start),
                fencingToken,
                recordSites ? Hold.captureSite() : null);
        live.add(hold);
        SessionHandle handle = new SessionHandle(this, hold);
        CLEANER.register(handle, () -> leaked(hold));
        return handle;
    }

    /**
     * Runs when a handle became unreachable: if it was never released, warns with where it was acquired and releases
     * it as soon as its connection is free (at once if its thread is not inside dblock, else at that thread's next
     * acquisition or the next watchdog pass).
     */
    private void leaked(Hold hold) {
        if (hold.isReleased()) {
            return;
        }
        LOG.log(
                Level.WARNING,
                "a LockHandle of " + hold.description() + " was garbage-collected without being released; thread '"
                        + hold.owner.getName() + "' acquired it at:" + hold.siteText()
                        + "\nReleasing it now. Release session locks with try-with-resources or withLock(...).");
        leaks.add(hold);
        releaseLeaks();
    }

    /** Releases leaked holds whose connection no thread is using; the others stay queued. Any thread. */
    void releaseLeaks() {
        for (Hold hold : leaks) {
            if (!hold.pin.busy.tryLock()) {
                continue;
            }
            try {
                leaks.remove(hold);
                if (hold.markReleased()) {
                    releaseHold(hold);
                    listeners.released(
                            hold.description(),
                            hold.waited,
                            Duration.between(hold.acquiredAt, java.time.Instant.now()));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "releasing the leaked " + hold.description() + " failed", e);
            } finally {
                hold.pin.busy.unlock();
            }
        }
    }

    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create(r -> {
        Thread t = new Thread(r, "dblock-leaked-handles");
        t.setDaemon(true);
        return t;
    });

    private final java.util.Queue<Hold> leaks = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Holds not yet released, for the watchdog. */
    final java.util.Set<Hold> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * One watchdog pass. For each pinned connection with live handles, asks that session itself whether it still holds
     * its keys ({@code pg_locks} / {@code IS_USED_LOCK}, one query on the pin's own connection): no spare connection
     * from the pool is needed, so a pool full of holders is checked as well as an idle one. The pin is entered ({@link
     * Pin#busy}) for the check, so the holds it looks at cannot start or end during it; a pin whose owner is inside
     * dblock right now is skipped this pass (the owner's own statement will meet a dead session first).
     *
     * <p>A hold is reported lost when the session failed (a connection error on that query, or on an earlier
     * statement) or the server answered that the session no longer holds the keys. Any other failure of the query
     * proves nothing and marks nothing. Each hold is reported once.
     *
     * @return the descriptions of the holds found lost in this pass
     */
    List<String> checkLive() {
        java.util.Map<Pin, Boolean> pinned = new java.util.IdentityHashMap<>();
        for (Hold hold : live) {
            if (hold.isReleased()) {
                live.remove(hold);
            } else {
                pinned.put(hold.pin, Boolean.TRUE);
            }
        }
        List<String> lost = new java.util.ArrayList<>();
        for (Pin pin : pinned.keySet()) {
            if (pin.broken) {
                lost.addAll(reportLost(pin));
            } else if (pin.busy.tryLock()) {
                try {
                    if (!pin.returned && !confirm(pin)) {
                        pin.broken = true;
                        lost.addAll(reportLost(pin));
                    }
                } finally {
                    pin.busy.unlock();
                }
            }
        }
        return lost;
    }

    /**
     * Asks the pin's own session whether it holds every key of its live holds; the caller has entered the pin.
     *
     * @return false if the session is gone or no longer holds them; true if it does, or if the answer proves nothing
     */
    private boolean confirm(Pin pin) {
        java.util.Set<LockKey> keys = new java.util.TreeSet<>();
        for (Hold hold : live) {
            if (hold.pin == pin && !hold.isReleased()) {
                keys.addAll(hold.keys);
            }
        }
        if (keys.isEmpty() || pin.connectionId < 0) {
            return true;
        }
        long asked = System.nanoTime();
        try {
            boolean held = engine.holders(pin.connection, List.copyOf(keys)).contains(pin.connectionId);
            if (held) {
                pin.confirmedAt = Math.max(pin.confirmedAt, asked);
            }
            return held;
        } catch (SQLException e) {
            if (engine.classify(e) == io.dblock.spi.Failure.CONNECTION) {
                LOG.log(Level.DEBUG, "the watchdog's check failed on the holding session itself", e);
                return false;
            }
            LOG.log(Level.DEBUG, "watchdog check failed; nothing marked lost, trying again next interval", e);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "watchdog check failed; nothing marked lost, trying again next interval", e);
            return true;
        }
    }

    /** Set by {@link #shutDown}: no new session locks. */
    private volatile boolean closing;

    private final java.util.concurrent.locks.ReentrantLock drainLock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.locks.Condition drained = drainLock.newCondition();

    private void signalDrained() {
        drainLock.lock();
        try {
            drained.signalAll();
        } finally {
            drainLock.unlock();
        }
    }

    /**
     * Shuts down: refuses new session locks, reports every live hold lost (its pin marked broken, so its release sends
     * nothing and ends the session instead), waits up to {@code grace} for the holders to release, then aborts the
     * connections of what is left so the server frees those locks, and logs them.
     */
    void shutDown(Duration grace) {
        closing = true;
        java.util.Set<Pin> pinned = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Hold hold : live) {
            if (!hold.isReleased()) {
                pinned.add(hold.pin);
            }
        }
        for (Pin pin : pinned) {
            pin.broken = true;
            reportLost(pin);
        }
        long deadline = System.nanoTime() + Math.min(grace.toNanos(), Long.MAX_VALUE / 4);
        drainLock.lock();
        try {
            while (live.stream().anyMatch(h -> !h.isReleased())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                drained.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            drainLock.unlock();
        }
        java.util.Set<Pin> leftPins = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        StringBuilder still = new StringBuilder();
        for (Hold hold : live) {
            if (!hold.isReleased()) {
                leftPins.add(hold.pin);
                still.append("\n  ")
                        .append(hold.description())
                        .append(", held by thread '")
                        .append(hold.owner.getName())
                        .append("', acquired at:")
                        .append(hold.siteText());
            }
        }
        if (leftPins.isEmpty()) {
            return;
        }
        LOG.log(
                Level.WARNING,
                "DbLocks closed with session locks still held after the " + grace.toMillis() + " ms grace; ending their"
                        + " sessions so the server frees them:" + still);
        for (Pin pin : leftPins) {
            pin.abortSession();
        }
    }

    private Pin currentPin() {
        return pins.get();
    }

    /** The thread's pin, held against concurrent leak releases; null if it has none (or it was given back). */
    private Pin enterCurrentPin() {
        Pin pin = pins.get();
        if (pin == null) {
            return null;
        }
        pin.busy.lock();
        if (pin.returned) {
            pin.busy.unlock();
            pins.remove();
            return null;
        }
        return pin;
    }

    /** The entered pin if usable, else a newly borrowed one, entered in its place. */
    private Pin pin(String description, Pin[] entered) {
        Pin pin = entered[0];
        if (pin != null && !pin.broken) {
            return pin;
        }
        Pin fresh;
        try {
            fresh = Pin.of(dataSource.getConnection());
        } catch (SQLException e) {
            throw Errors.connectionUnavailable(description, engine.name(), e);
        }
        fresh.busy.lock();
        if (pin != null) {
            pin.busy.unlock();
        }
        entered[0] = fresh;
        pins.set(fresh);
        return fresh;
    }

    /**
     * Gives the pin's connection back once it holds nothing. After a failed lock statement ({@code failure}) or a
     * failed unlock ({@link Pin#dirty}), the server session may still hold a lock dblock does not know of (the engine's
     * own clean-up can fail too), so it is first cleared with one unlock-all statement; if even that fails, the
     * connection is discarded instead of pooled.
     */
    private void unpinIfIdle(Pin pin, SQLException failure) {
        if (failure != null) {
            pin.dirty = true;
            if (engine.classify(failure) == io.dblock.spi.Failure.CONNECTION) {
                pin.broken = true;
            }
        }
        if (pin.serverHolds == 0) {
            if (pin.dirty && !pin.broken) {
                try {
                    engine.releaseAllSession(pin.connection);
                    pin.dirty = false;
                } catch (SQLException e) {
                    LOG.log(
                            Level.WARNING,
                            "clearing the session's locks after a failed lock operation failed; discarding the"
                                    + " connection so the server ends its session and every lock on it",
                            e);
                    pin.broken = true;
                }
            }
            if (pin.broken) {
                pin.discard();
            } else {
                pin.giveBack();
            }
            if (pins.get() == pin) {
                pins.remove();
            }
        }
    }

    /**
     * Called by {@link SessionHandle#confirmHeld()} on the owner thread: asks the pin's own session whether it holds the
     * hold's keys; a failed session or a "no" marks the pin broken and reports its holds lost.
     */
    boolean confirmHeld(Hold hold) {
        Pin pin = hold.pin;
        pin.busy.lock();
        try {
            if (hold.isReleased()) {
                return false;
            }
            if (!pin.broken) {
                if (pin.connectionId < 0) {
                    // no session id to compare with (never happens once a lock was granted): nothing to ask
                    return true;
                }
                long asked = System.nanoTime();
                try {
                    if (engine.holders(pin.connection, hold.keys).contains(pin.connectionId)) {
                        pin.confirmedAt = Math.max(pin.confirmedAt, asked);
                        return true;
                    }
                } catch (SQLException e) {
                    if (engine.classify(e) != io.dblock.spi.Failure.CONNECTION) {
                        throw Errors.translate(engine, e, hold.description(), Durations.since(asked));
                    }
                    LOG.log(Level.DEBUG, "confirming " + hold.description() + " failed on its own session", e);
                }
                pin.broken = true;
            }
            reportLost(pin);
            return false;
        } finally {
            pin.busy.unlock();
        }
    }

    /** Called by {@link SessionHandle#release()} on the owner thread. */
    void release(Hold hold) {
        hold.pin.busy.lock();
        try {
            if (!hold.markReleased()) {
                throw new io.dblock.LockUsageException("this lock handle was already released", hold.description());
            }
            // leaked holds queued while this thread was inside dblock (their pin was busy) go first: a leaked hold
            // re-entering this one must not keep the key held after this, the thread's last, release of it
            releaseLeaks();
            io.dblock.spi.LockEngine.Release result = releaseHold(hold);
            if (!result.notHeld().isEmpty()) {
                throw notHeld(hold, result);
            }
        } finally {
            leave(hold.pin);
        }
    }

    /** The exception for keys found not held at release, naming a pooler when the release ran on another session. */
    private LockLostException notHeld(Hold hold, io.dblock.spi.LockEngine.Release result) {
        long ranOn = result.ranOn().orElse(hold.connectionId);
        String message = ranOn == hold.connectionId || hold.connectionId < 0
                ? "the server says this session did not hold " + result.notHeld() + " any more when it was released"
                : "the lock was taken by server session " + hold.connectionId + " but released through session "
                        + ranOn + " on the same connection: a pooler in transaction mode (PgBouncer pool_mode ="
                        + " transaction, RDS Proxy, ...) sits between dblock and the server and hands each statement"
                        + " to any server session, so session locks stay behind on whichever session took them. Use"
                        + " transaction-scoped locks (acquireForTransaction) or table locks there, or session pooling";
        return new LockLostException(message, hold.description(), engine.name(), null, null);
    }

    /**
     * Drops the hold's counts and unlocks the keys whose count reached zero, on any thread holding {@code pin.busy};
     * gives the connection back when it holds nothing more.
     *
     * @return what the server said of the keys released
     */
    private io.dblock.spi.LockEngine.Release releaseHold(Hold hold) {
        live.remove(hold);
        if (closing) {
            signalDrained();
        }
        List<LockKey> last = local.exit(hold.keys, hold.mode, hold.owner);
        io.dblock.spi.LockEngine.Release notHeld = io.dblock.spi.LockEngine.Release.ALL_HELD;
        if (last.isEmpty()) {
            return notHeld;
        }
        Pin pin = hold.pin;
        SQLException failure = null;
        try {
            if (!pin.broken) {
                long asked = System.nanoTime();
                notHeld = engine.releaseSession(pin.connection, last, hold.mode);
                if (notHeld.notHeld().isEmpty()) {
                    pin.confirmedAt = Math.max(pin.confirmedAt, asked);
                }
            }
        } catch (SQLException e) {
            LOG.log(
                    Level.WARNING,
                    "unlocking " + last + " failed; the session is cleared (or, failing that, discarded) before its"
                            + " connection goes back to the pool",
                    e);
            failure = e;
        } finally {
            pin.serverHolds -= last.size();
            last.forEach(pin.fencingTokens::remove);
            local.released(last, hold.mode, hold.owner);
            unpinIfIdle(pin, failure);
        }
        return notHeld;
    }

    /**
     * Runs a read-only query on the thread's pinned connection, if it has a usable one (to inspect without borrowing a
     * second connection).
     *
     * @return the query's (non-null) result, or empty if the thread has no pinned connection
     */
    <R> Optional<R> onPinned(LockContext.SqlFunction<R> query) throws SQLException {
        Pin pin = enterCurrentPin();
        if (pin == null) {
            return Optional.empty();
        }
        try {
            return pin.broken ? Optional.empty() : Optional.of(query.apply(pin.connection));
        } finally {
            leave(pin);
        }
    }

    LockEngine engine() {
        return engine;
    }

    int locallyWaitingThreads() {
        return local.waitingThreads();
    }
}
