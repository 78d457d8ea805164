package io.dblock;

import io.dblock.spi.Deadline;
import io.dblock.spi.Failure;
import io.dblock.spi.LockEngine;
import io.dblock.spi.Wait;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Acquiring fresh keys on the shared connections of a multiplexed instance ({@link Multiplexing}), once {@link
 * LocalLocks} has decided every same-key case:
 *
 * <ol>
 *   <li>Try, without waiting, on a connection that already holds other locks: the first of the rotation that is not
 *       busy (if all are, a new connection when a slot is free at once, else the first one, whose statements are
 *       short). Granted: done, no new connection.
 *   <li>Refused (another session holds a key): a {@code try} request is refused. Otherwise the request waits on a
 *       connection holding nothing, borrowed for it (a slot taken first, see {@link SessionPins#borrowShared}), which
 *       joins the rotation once granted. A connection that fails under a try is found dead: its holds are reported
 *       lost, and the next one is tried.
 * </ol>
 *
 * A key the thread holds in the other mode (PostgreSQL grants one session both) is only tried, on that key's
 * connection: waiting there would hold up the connection's other holds, and waiting elsewhere would wait for itself.
 */
final class SharedAcquisition {

    private final SessionAcquisition acquisition;
    private final LockEngine engine;
    private final LocalLocks local;
    private final SessionPins pins;
    private final SessionLiveness liveness;
    private final CrossNodeDeadlocks deadlocks;

    SharedAcquisition(
            SessionAcquisition acquisition,
            LockEngine engine,
            LocalLocks local,
            SessionPins pins,
            SessionLiveness liveness,
            CrossNodeDeadlocks deadlocks) {
        this.acquisition = acquisition;
        this.engine = engine;
        this.local = local;
        this.pins = pins;
        this.liveness = liveness;
        this.deadlocks = deadlocks;
    }

    /** The guard of a wait, labelled for deadlock detection while the calling thread's labelled wait runs. */
    io.dblock.spi.WaitGuard wrap(io.dblock.spi.WaitGuard guard) {
        return deadlocks == null ? guard : deadlocks.wrap(guard);
    }

    /** Enters a shared pin for one statement and its bookkeeping; a thread's own pin is entered already. */
    static void enterShared(Pin pin) {
        if (pin.shared) {
            pin.busy.lock();
        }
    }

    static void leaveShared(Pin pin) {
        if (pin.shared) {
            pin.busy.unlock();
        }
    }

    /** Outcome of a try on one connection: granted (the handle), refused, or not tried (busy, gone or dead). */
    private record Tried(LockHandle handle, boolean refused) {
        static final Tried NOT_TRIED = new Tried(null, false);
        static final Tried REFUSED = new Tried(null, true);
    }

    Optional<LockHandle> acquire(SessionAcquisition.Request request, LocalLocks.Claim claim) {
        if (!claim.otherModePins.isEmpty()) {
            return onOtherModePin(request, claim);
        }
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(Multiplexing.SLOT_WAIT_SECONDS);
        while (true) {
            long seen = pins.shared.version();
            List<Pin> rotation = pins.shared.rotation();
            Tried tried = tryFree(rotation, request, claim);
            if (tried == Tried.NOT_TRIED) {
                if (pins.shared.takeSlotNow()) { // a connection of its own: wait there (once granted, it is shared)
                    return waitOn(request, claim, pins.borrowWithSlot(request.description()));
                }
                if (!rotation.isEmpty()) { // all busy, no slot free: queue for the first one's short statements
                    rotation.get(0).busy.lock();
                    tried = tryOn(rotation.get(0), request, claim);
                } else if (!awaitChange(request, claim, seen, giveUp)) { // the bound's connections are being opened
                    local.undo(claim);
                    return Optional.empty();
                }
            }
            if (tried.handle != null) {
                return Optional.of(tried.handle);
            }
            if (tried.refused) {
                return refused(request, claim);
            }
        }
    }

    /** Tries on the first connection of the rotation that is not busy. */
    private Tried tryFree(List<Pin> rotation, SessionAcquisition.Request request, LocalLocks.Claim claim) {
        for (Pin pin : rotation) {
            if (pin.busy.tryLock()) {
                Tried tried = tryOn(pin, request, claim);
                if (tried != Tried.NOT_TRIED) {
                    return tried;
                }
            }
        }
        return Tried.NOT_TRIED;
    }

    /** After a refused try: a {@code try} request is refused, any other waits on a connection holding nothing. */
    private Optional<LockHandle> refused(SessionAcquisition.Request request, LocalLocks.Claim claim) {
        if (Deadline.of(request.maxWait(), request.start()).remaining().isNone()) {
            local.undo(claim);
            return Optional.empty();
        }
        return waitOn(request, claim, null);
    }

    /**
     * Waits for a connection to join the rotation (or go), within the request's deadline and the slot wait.
     *
     * @return false if the request's deadline passed (nothing claimed is undone here)
     */
    private boolean awaitChange(SessionAcquisition.Request request, LocalLocks.Claim claim, long seen, long giveUp) {
        Deadline deadline = Deadline.of(request.maxWait(), request.start());
        long until = deadline.isInfinite() ? giveUp : Math.min(giveUp, deadline.deadlineNanos());
        try {
            if (pins.shared.awaitChange(seen, until - System.nanoTime()) || System.nanoTime() - until < 0) {
                return true;
            }
        } catch (InterruptedException e) {
            local.undo(claim);
            Thread.currentThread().interrupt();
            throw Errors.interrupted(request.description(), engine.name(), Durations.since(request.start()), e);
        }
        if (until != giveUp) {
            return false;
        }
        local.undo(claim);
        throw pins.noSlot(request.description(), request.start());
    }

    /**
     * Tries the claim's keys on an entered pin without waiting, then leaves it.
     *
     * @return granted, refused, or not tried (the pin went back or is dead: its holds are then reported lost)
     */
    private Tried tryOn(Pin pin, SessionAcquisition.Request request, LocalLocks.Claim claim) {
        try {
            if (pin.returned || pin.broken) {
                return Tried.NOT_TRIED;
            }
            OptionalLong id;
            try {
                id = acquisition.acquireBounded(pin, claim, request, Wait.NONE);
            } catch (SQLException e) {
                return failedTry(pin, request, claim, e);
            } catch (RuntimeException | Error e) {
                acquisition.abandon(claim, pin);
                throw e;
            }
            return id.isPresent()
                    ? new Tried(acquisition.grant(request, claim, pin, id.getAsLong()), false)
                    : Tried.REFUSED;
        } finally {
            pin.busy.unlock();
        }
    }

    /** A try that failed: a lost connection is reported and not tried; any other failure is thrown. */
    private Tried failedTry(Pin pin, SessionAcquisition.Request request, LocalLocks.Claim claim, SQLException e) {
        if (engine.classify(e) != Failure.CONNECTION || Thread.currentThread().isInterrupted()) {
            throw acquisition.failed(request, claim, pin, e);
        }
        pin.failedWith(e);
        pin.broken = true;
        liveness.reportLost(pin);
        return Tried.NOT_TRIED;
    }

    /**
     * Waits for the claim's keys on a connection holding nothing ({@code fresh}, entered, or one borrowed here within
     * the request's deadline), which joins the rotation once granted.
     */
    private Optional<LockHandle> waitOn(SessionAcquisition.Request request, LocalLocks.Claim claim, Pin fresh) {
        Pin pin = fresh != null ? fresh : borrow(request, claim);
        if (pin == null) {
            local.undo(claim);
            return Optional.empty();
        }
        try {
            CrossNodeDeadlocks.OwnWait own = deadlocks.begin(pin);
            OptionalLong id = waitLabelled(request, claim, pin, own);
            if (id.isEmpty()) {
                local.undo(claim);
                pins.unpinIfIdle(pin, null);
                if (own != null && own.victim) {
                    throw deadlocks.victim(own, request.description(), null);
                }
                return Optional.empty();
            }
            LockHandle handle = acquisition.grant(request, claim, pin, id.getAsLong());
            pins.shared.holding(pin);
            return Optional.of(handle);
        } finally {
            pin.busy.unlock();
        }
    }

    /** The server wait, labelled as {@code own}; a victim's cancelled wait ends as a deadlock. */
    private OptionalLong waitLabelled(
            SessionAcquisition.Request request, LocalLocks.Claim claim, Pin pin, CrossNodeDeadlocks.OwnWait own) {
        try {
            return acquisition.acquireOnServer(request, claim, pin, new Pin[] {pin});
        } catch (LockException e) {
            throw own != null && own.victim ? deadlocks.victim(own, request.description(), e) : e;
        } finally {
            deadlocks.end(own);
        }
    }

    /** A connection to wait on, borrowed within the request's deadline; null if none was free in time. */
    private Pin borrow(SessionAcquisition.Request request, LocalLocks.Claim claim) {
        Deadline deadline = Deadline.of(request.maxWait(), request.start());
        long nanos = deadline.isInfinite() ? Long.MAX_VALUE : deadline.deadlineNanos() - System.nanoTime();
        try {
            return pins.borrowShared(request.description(), nanos, request.start());
        } catch (RuntimeException e) {
            local.undo(claim);
            throw e;
        }
    }

    /**
     * A request for a key the thread holds in the other mode, on that key's connection: tried without waiting; if
     * refused, a {@code try} request is refused and a waiting one fails, saying why.
     */
    private Optional<LockHandle> onOtherModePin(SessionAcquisition.Request request, LocalLocks.Claim claim) {
        if (claim.otherModePins.size() > 1) {
            local.undo(claim);
            throw mixedModes(request, "its keys are held in the other mode on different connections");
        }
        Pin pin = claim.otherModePins.iterator().next();
        pin.busy.lock();
        Tried tried = tryOn(pin, request, claim);
        if (tried.handle != null) {
            return Optional.of(tried.handle);
        }
        local.undo(claim);
        if (!tried.refused) {
            throw otherModeGone(request);
        }
        if (Deadline.of(request.maxWait(), request.start()).remaining().isNone()) {
            return Optional.empty();
        }
        throw mixedModes(
                request,
                "another session holds the key, and waiting for it there would hold up that"
                        + " connection's other locks");
    }

    private LockLostException otherModeGone(SessionAcquisition.Request request) {
        return new LockLostException(
                "the connection holding this thread's other-mode hold of the key is gone",
                request.description(),
                engine.name(),
                Durations.since(request.start()),
                null);
    }

    private LockUsageException mixedModes(SessionAcquisition.Request request, String why) {
        return new LockUsageException(
                "this thread holds a key of this request in the other mode on a shared connection, where the server"
                        + " grants both modes to one session; the request can only be granted at once there, and was"
                        + " not: " + why + ". Release the other hold first, or use Multiplexing.off()",
                request.description());
    }
}
