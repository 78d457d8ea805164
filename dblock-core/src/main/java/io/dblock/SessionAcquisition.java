package io.dblock;

import io.dblock.spi.Deadline;
import io.dblock.spi.Failure;
import io.dblock.spi.LockEngine;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Acquiring a session lock for one {@code DbLocks}.
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
 */
final class SessionAcquisition {

    private static final System.Logger LOG = SessionLocks.LOG;

    private final SessionLocks locks;
    private final WaitGuards guards;
    private final LockEngine engine;
    private final LocalLocks local;
    private final SessionPins pins;
    private final SessionHolds holds;
    private final SessionLiveness liveness;
    private final HoldConfirmation confirmation;
    private final SessionRelease release;
    private final FencingTokens fencing;
    private final SharedAcquisition shared;

    /** One acquisition's request; {@code start} is its {@link System#nanoTime()} at the call. */
    record Request(
            List<LockKey> keys,
            AdvisoryLockMode mode,
            Wait maxWait,
            String description,
            io.dblock.Priority priority,
            io.dblock.TableName fencingTable,
            long start) {}

    SessionAcquisition(
            SessionLocks locks,
            CrossNodeDeadlocks deadlocks,
            WaitGuards guards,
            LocalLocks local,
            SessionPins pins,
            SessionHolds holds,
            SessionLiveness liveness,
            HoldConfirmation confirmation,
            SessionRelease release,
            FencingTokens fencing) {
        this.locks = locks;
        this.guards = guards;
        this.engine = locks.engine();
        this.local = local;
        this.pins = pins;
        this.holds = holds;
        this.liveness = liveness;
        this.confirmation = confirmation;
        this.release = release;
        this.fencing = fencing;
        this.shared = new SharedAcquisition(this, engine, local, pins, liveness, deadlocks);
    }

    /**
     * The acquisition, with {@code entered[0]} the thread's pin (if it has one) held against concurrent leak releases;
     * a pin this method borrows replaces it there, held too.
     */
    Optional<LockHandle> acquire(Request request, Pin[] entered) {
        LocalLocks.Claim claim = claimLocally(request);
        if (claim == null) {
            return Optional.empty();
        }
        if (claim.freshKeys.isEmpty()) {
            return Optional.of(reenter(request, claim));
        }
        if (sharing(request, claim)) {
            return shared.acquire(request, claim);
        }
        OptionalLong id = acquireOnServer(request, claim, usablePin(request, claim, entered), entered);
        Pin pin = entered[0];
        if (id.isEmpty()) {
            local.undo(claim);
            pins.unpinIfIdle(pin, null);
            return Optional.empty();
        }
        return Optional.of(grant(request, claim, pin, id.getAsLong()));
    }

    /** Whether to acquire on shared connections; refuses an interrupted thread first (undoing the claim either way). */
    private boolean sharing(Request request, LocalLocks.Claim claim) {
        try {
            if (Thread.currentThread().isInterrupted()) {
                throw Errors.interrupted(request.description, engine.name(), Durations.since(request.start), null);
            }
            return pins.sharing(request.description);
        } catch (RuntimeException e) {
            local.undo(claim);
            throw e;
        }
    }

    /**
     * The connection to take the claim's fresh keys on: the thread's pinned one, or a newly borrowed one (then {@code
     * entered[0]}). Undoes the claim if the thread is interrupted or no connection can be had.
     */
    private Pin usablePin(Request request, LocalLocks.Claim claim, Pin[] entered) {
        try {
            if (Thread.currentThread().isInterrupted()) {
                // checked here, not up front: a re-entrant acquisition waits for nothing and is not refused for the
                // flag
                throw Errors.interrupted(request.description, engine.name(), Durations.since(request.start), null);
            }
            return pins.usable(request.description, entered);
        } catch (RuntimeException e) {
            local.undo(claim);
            throw e;
        }
    }

    /**
     * A request whose keys the thread holds already: counts up once each session holding them is known to hold them
     * still (a shared one entered for the check).
     */
    private LockHandle reenter(Request request, LocalLocks.Claim claim) {
        List<Pin> held = claim.reenteredPins();
        Long token = null;
        try {
            for (Pin pin : held) {
                SharedAcquisition.enterShared(pin);
                try {
                    confirmation.requireAlive(pin, claim.reenteredOn(pin), request.description, request.start);
                    if (request.fencingTable != null && pin == held.get(0)) {
                        token = fencingToken(pin, request);
                    }
                } finally {
                    SharedAcquisition.leaveShared(pin);
                }
            }
        } catch (RuntimeException e) {
            local.undo(claim);
            throw e;
        }
        return holds.create(locks, request.keys, request.mode, held, request.start, token);
    }

    /**
     * Acquires the claim's fresh keys on the server. If the pinned session turns out dead under the thread's other
     * holds, reports those lost and tries once more at once on a fresh connection; the pin used last is {@code
     * entered[0]} on return. On failure the claim is undone and the connection given back if it holds nothing.
     *
     * @return the server's id of the session if granted, empty if not
     */
    OptionalLong acquireOnServer(Request request, LocalLocks.Claim claim, Pin pin, Pin[] entered) {
        Deadline deadline = Deadline.of(request.maxWait, request.start);
        if (!awaitGrace(request, claim, pin, deadline)) {
            return OptionalLong.empty();
        }
        OptionalLong id = null;
        while (id == null) {
            Wait left = deadline.remaining();
            Wait slice = NetworkBound.slice(left);
            boolean more = slice != left; // a longer wait goes on after this slice
            try {
                id = acquireBounded(pin, claim, request, slice);
                if (id.isEmpty() && more && !deadline.remaining().isNone()) {
                    id = null; // one slice of a longer wait ended: the next one
                }
            } catch (SQLException e) {
                boolean goesOn = more && !deadline.remaining().isNone();
                pin = afterFailedSlice(request, claim, pin, entered, e, goesOn);
            } catch (RuntimeException | Error e) {
                abandon(claim, pin);
                throw e;
            }
        }
        return id;
    }

    /**
     * After a slice of the wait failed: the pin to go on with (the same one after a timed-out slice of a longer wait,
     * a fresh one when the session died under the thread's other holds); any other failure is thrown.
     */
    private Pin afterFailedSlice(
            Request request, LocalLocks.Claim claim, Pin pin, Pin[] entered, SQLException e, boolean goesOn) {
        if (engine.classify(e) == Failure.TIMEOUT) {
            if (goesOn) {
                return pin;
            }
            throw timedOut(request, claim, pin, e);
        }
        if (!diedUnderOtherHolds(pin, e)) {
            throw failed(request, claim, pin, e);
        }
        return replaceDeadPin(pin, e, request, claim, entered);
    }

    /** Waits out the grace period of the pin's server ({@link GraceWait}); undoes the claim if interrupted. */
    private boolean awaitGrace(Request request, LocalLocks.Claim claim, Pin pin, Deadline deadline) {
        try {
            return GraceWait.await(pin, deadline, request.description, engine.name(), locks.listeners, request.start);
        } catch (RuntimeException e) {
            local.undo(claim);
            pins.unpinIfIdle(pin, null);
            throw e;
        }
    }

    /**
     * One server wait of at most {@link NetworkBound#WAIT_SLICE}, under a network bound of that wait plus {@link
     * NetworkBound#MARGIN_MILLIS}: on a dead network the statement fails with a connection error within the bound.
     */
    OptionalLong acquireBounded(Pin pin, LocalLocks.Claim claim, Request request, Wait slice) throws SQLException {
        WaitGuard guard = guard(request, pin, slice);
        if (pin.heldInTransaction) {
            return NetworkBound.run(
                    pin.connection,
                    NetworkBound.forWait(slice),
                    () -> TransactionHolds.acquire(engine, pin, claim.freshKeys, request, slice, guard));
        }
        return NetworkBound.run(
                pin.connection,
                NetworkBound.forWait(slice),
                () -> engine.acquireSession(pin.connection, claim.freshKeys, request.mode, slice, guard));
    }

    /**
     * After an engine's argument check or a driver bug: the session's state is unknown, so it is cleared (dirty) before
     * the connection goes back, and the in-memory claim is given back.
     */
    void abandon(LocalLocks.Claim claim, Pin pin) {
        local.undo(claim);
        pin.dirty = true;
        pins.unpinIfIdle(pin, null);
    }

    /** A wait the server ended with a timeout error (nothing held then, so nothing to clear): as {@link #failed}. */
    private LockException timedOut(Request request, LocalLocks.Claim claim, Pin pin, SQLException e) {
        local.undo(claim);
        pins.unpinIfIdle(pin, null);
        return Errors.translate(engine, e, request.description, Durations.since(request.start));
    }

    /** Undoes a claim whose lock statement failed, gives the connection back if idle, and translates the failure. */
    LockException failed(Request request, LocalLocks.Claim claim, Pin pin, SQLException e) {
        local.undo(claim);
        pins.unpinIfIdle(pin, e);
        return Errors.translate(engine, e, request.description, Durations.since(request.start));
    }

    /**
     * The thread's pinned session died under its other holds: they are lost, and this request took nothing on a dead
     * session. Reports them, then borrows a fresh connection to try once more at once (undoing the claim if that
     * fails).
     */
    private Pin replaceDeadPin(Pin pin, SQLException e, Request request, LocalLocks.Claim claim, Pin[] entered) {
        LOG.log(Level.DEBUG, "the pinned session died; retrying on a fresh connection", e);
        pin.failedWith(e);
        pin.broken = true;
        liveness.reportLost(pin);
        try {
            return pins.usable(request.description, entered);
        } catch (RuntimeException borrowFailed) {
            local.undo(claim);
            borrowFailed.addSuppressed(e);
            throw borrowFailed;
        }
    }

    /** Whether a failed lock statement met a dead session that held the thread's other locks. */
    private boolean diedUnderOtherHolds(Pin pin, SQLException e) {
        return pin.serverHolds > 0
                && !pin.broken
                && !Thread.currentThread().isInterrupted()
                && engine.classify(e) == Failure.CONNECTION;
    }

    /** What cancels the server wait: an interrupt, or with a priority also whatever the priority ends. */
    private WaitGuard guard(Request request, Pin pin, Wait left) throws SQLException {
        return shared.wrap(guards.forWait(request.priority, left, () -> sessionId(pin), request.description));
    }

    private long sessionId(Pin pin) throws SQLException {
        if (pin.connectionId < 0) {
            pin.connectionId = NetworkBound.run(pin.connection, () -> engine.connectionId(pin.connection));
        }
        return pin.connectionId;
    }

    /**
     * Records the server's grant on the pin (entered), reads the fencing token if asked, and confirms the claim; the
     * hold is on the pin and on the connections of the keys it re-entered.
     */
    LockHandle grant(Request request, LocalLocks.Claim claim, Pin pin, long connectionId) {
        pin.connectionId = connectionId;
        pin.confirmedAt = System.nanoTime();
        pin.added(claim.freshKeys);
        Long token = null;
        if (request.fencingTable != null) {
            try {
                token = fencingToken(pin, request);
            } catch (RuntimeException e) {
                release.undoAcquisition(pin, claim.freshKeys, request.mode);
                local.undo(claim);
                pins.unpinIfIdle(pin, null);
                throw e;
            }
        }
        List<Pin> on = claim.reenteredPins();
        if (!on.contains(pin)) {
            on.add(0, pin);
        }
        local.confirm(claim, pin);
        return holds.create(locks, request.keys, request.mode, on, request.start, token);
    }

    private long fencingToken(Pin pin, Request request) {
        return fencing.token(pin, request.fencingTable, request.keys.get(0), request.description, request.start);
    }

    private LocalLocks.Claim claimLocally(Request request) {
        long deadline = Deadline.of(request.maxWait, request.start).deadlineNanos();
        try {
            return local.enter(request.keys, request.mode, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.interrupted(request.description, engine.name(), Durations.since(request.start), e);
        } catch (LocalLocks.LocalDeadlock e) {
            throw new LockDeadlockException(
                    "deadlock between threads of this DbLocks: " + e.getMessage(),
                    request.description,
                    engine.name(),
                    Durations.since(request.start),
                    null);
        }
    }
}
