package io.dblock.internal;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockDeadlockException;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.LockLostException;
import io.dblock.spi.LockEngine;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.lang.System.Logger.Level;
import java.sql.Connection;
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
 * discarded (closed physically) rather than returned to the pool with a lock possibly still held.
 */
final class SessionLocks {

    private static final System.Logger LOG = System.getLogger(SessionLocks.class.getName());

    private final DataSource dataSource;
    private final LockEngine engine;
    private final LocalLocks local = new LocalLocks();
    private final ThreadLocal<Pin> pins = new ThreadLocal<>();

    final Listeners listeners;

    SessionLocks(DataSource dataSource, LockEngine engine, Listeners listeners) {
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
        if (Thread.currentThread().isInterrupted()) {
            throw Errors.interrupted(description, engine.name(), Duration.ZERO, null);
        }
        LocalLocks.Claim claim = claimLocally(keys, mode, wait, start, description);
        if (claim == null) {
            return Optional.empty();
        }
        if (claim.freshKeys.isEmpty()) {
            Pin held = currentPin();
            Long token = null;
            if (fencingTable != null) {
                try {
                    token = fencingToken(held, fencingTable, keys.get(0), description, start);
                } catch (RuntimeException e) {
                    local.undo(claim);
                    throw e;
                }
            }
            return Optional.of(handle(keys, mode, held, start, token));
        }
        Pin pin;
        try {
            pin = pin(description);
        } catch (RuntimeException e) {
            local.undo(claim);
            throw e;
        }
        OptionalLong id;
        try {
            Wait left = remaining(wait, start);
            WaitGuard guard = InterruptWatcher.INSTANCE;
            if (priority != null && !left.isNone()) {
                if (pin.connectionId < 0) {
                    pin.connectionId = engine.connectionId(pin.connection);
                }
                guard = new PrioritisingGuard(dataSource, engine, priority, pin.connectionId, description);
            }
            id = engine.acquireSession(pin.connection, claim.freshKeys, mode, left, guard);
        } catch (SQLException e) {
            local.undo(claim);
            unpinIfIdle(pin, e);
            throw Errors.translate(engine, e, description, Durations.since(start));
        }
        if (id.isEmpty()) {
            local.undo(claim);
            unpinIfIdle(pin, null);
            return Optional.empty();
        }
        pin.connectionId = id.getAsLong();
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
            long token = engine.nextFencingToken(pin.connection, table, key);
            pin.fencingTokens.put(key, token);
            return token;
        } catch (SQLException e) {
            String state = e.getSQLState();
            if ("42P01".equals(state) || "42S02".equals(state)) {
                throw new io.dblock.LockUsageException(
                        "the fencing-token table " + table + " does not exist: create it once with"
                                + " DbLocks.createFencingTable(), or run: " + engine.fencingTableDdl(table),
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

    private LocalLocks.Claim claimLocally(
            List<LockKey> keys, AdvisoryLockMode mode, Wait wait, long start, String description) {
        long deadline = wait.isForever()
                ? Long.MAX_VALUE
                : start + Math.min(wait.limitOrNull().toNanos(), Long.MAX_VALUE / 4);
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

    private static Wait remaining(Wait wait, long start) {
        if (wait.isForever() || wait.isNone()) {
            return wait;
        }
        Duration left = wait.limitOrNull().minus(Durations.since(start));
        return left.isNegative() ? Wait.NONE : Wait.upTo(left);
    }

    private SessionHandle handle(List<LockKey> keys, AdvisoryLockMode mode, Pin pin, long start, Long fencingToken) {
        SessionHandle handle =
                new SessionHandle(this, keys, mode, pin, Thread.currentThread(), Durations.since(start), fencingToken);
        live.add(handle);
        return handle;
    }

    /** Handles not yet released, for the watchdog. */
    final java.util.Set<SessionHandle> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * One watchdog pass: for each pinned connection with live handles, asks the server (on {@code probe}, another
     * connection) whether that session still holds its keys; if not, marks the connection broken and reports every
     * handle on it lost. Returns the number of handles found lost.
     */
    int checkLive(java.sql.Connection probe) throws SQLException {
        java.util.Map<Pin, java.util.List<SessionHandle>> byPin = new java.util.IdentityHashMap<>();
        for (SessionHandle handle : live) {
            if (handle.isReleased()) {
                live.remove(handle);
            } else if (handle.pin().connectionId >= 0) {
                byPin.computeIfAbsent(handle.pin(), p -> new java.util.ArrayList<>())
                        .add(handle);
            }
        }
        int lost = 0;
        for (var entry : byPin.entrySet()) {
            Pin pin = entry.getKey();
            java.util.Set<LockKey> keys = new java.util.TreeSet<>();
            entry.getValue().forEach(h -> keys.addAll(h.keys()));
            boolean held = pin.broken
                    ? false
                    : engine.holders(probe, List.copyOf(keys)).contains(pin.connectionId);
            if (!held) {
                pin.broken = true;
                for (SessionHandle handle : entry.getValue()) {
                    if (!handle.isReleased()) {
                        handle.reportLost(Optional.empty());
                        lost++;
                    }
                }
            }
        }
        return lost;
    }

    private Pin currentPin() {
        return pins.get();
    }

    private Pin pin(String description) {
        Pin pin = pins.get();
        if (pin != null && !pin.broken) {
            return pin;
        }
        try {
            pin = Pin.of(dataSource.getConnection());
        } catch (SQLException e) {
            throw Errors.connectionUnavailable(description, engine.name(), e);
        }
        pins.set(pin);
        return pin;
    }

    private void unpinIfIdle(Pin pin, SQLException failure) {
        if (failure != null && engine.classify(failure) == io.dblock.spi.Failure.CONNECTION) {
            pin.broken = true;
        }
        if (pin.serverHolds == 0) {
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

    /** Called by {@link SessionHandle#release()} on the owner thread. */
    void release(SessionHandle handle) {
        live.remove(handle);
        List<LockKey> last = local.exit(handle.keys(), handle.mode(), handle.owner());
        if (last.isEmpty()) {
            return;
        }
        Pin pin = handle.pin();
        List<LockKey> notHeld = List.of();
        try {
            if (!pin.broken) {
                notHeld = engine.releaseSession(pin.connection, last, handle.mode());
            }
        } catch (SQLException e) {
            LOG.log(
                    Level.WARNING,
                    "unlocking " + last + " failed; discarding the connection so the server ends"
                            + " its session and every lock on it",
                    e);
            pin.discard();
        } finally {
            pin.serverHolds -= last.size();
            last.forEach(pin.fencingTokens::remove);
            local.released(last, handle.mode(), handle.owner());
            unpinIfIdle(pin, null);
        }
        if (!notHeld.isEmpty()) {
            throw new LockLostException(
                    "the server says this session did not hold " + notHeld + " any more when it was released",
                    handle.description(),
                    engine.name(),
                    null,
                    null);
        }
    }

    /** The thread's pinned connection if it has one (used to inspect without borrowing a second connection). */
    Optional<Connection> pinnedConnection() {
        Pin pin = pins.get();
        return pin == null || pin.broken ? Optional.empty() : Optional.of(pin.connection);
    }

    LockEngine engine() {
        return engine;
    }

    int locallyWaitingThreads() {
        return local.waitingThreads();
    }
}
