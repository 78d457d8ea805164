package io.dblock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A held session lock; see {@link LockHandle}. Its state lives in a {@link Hold}, which does not refer back to this
 * object, so a handle the application forgets can be garbage-collected and its lock released (see {@link
 * SessionLocks}).
 */
final class SessionHandle implements LockHandle {

    private final SessionLocks locks;
    private final Hold hold;

    SessionHandle(SessionLocks locks, Hold hold) {
        this.locks = locks;
        this.hold = hold;
        hold.attach(this);
    }

    @Override
    public List<LockKey> keys() {
        return hold.keys;
    }

    @Override
    public AdvisoryLockMode mode() {
        return hold.mode;
    }

    @Override
    public boolean isHeld() {
        return !hold.isReleased() && !hold.anyBroken();
    }

    @Override
    public boolean confirmHeld() {
        if (Thread.currentThread() != hold.owner) {
            throw new LockUsageException(
                    "a session lock is confirmed by the thread that acquired it ('" + hold.owner.getName()
                            + "'), not by '" + Thread.currentThread().getName() + "'",
                    hold.description());
        }
        return locks.confirmHeld(hold);
    }

    @Override
    public OptionalLong fencingToken() {
        if (hold.fencingToken != null && (hold.wasReportedLost() || (hold.anyBroken() && !hold.isReleased()))) {
            throw new LockLostException(
                    "this hold is lost (its session ended or stopped answering), so its fencing token "
                            + hold.fencingToken + " must not be used for new writes: another node may hold the lock"
                            + " with a greater token",
                    hold.description(),
                    locks.engine().name(),
                    hold.waited,
                    null);
        }
        return hold.fencingToken == null ? OptionalLong.empty() : OptionalLong.of(hold.fencingToken);
    }

    @Override
    public long connectionId() {
        return hold.connectionId;
    }

    @Override
    public Instant acquiredAt() {
        return hold.acquiredAt;
    }

    @Override
    public Duration waited() {
        return hold.waited;
    }

    @Override
    public void release() {
        requireReleasable();
        boolean wasBroken = hold.anyBroken();
        try {
            locks.release(hold);
        } catch (LockLostException e) {
            hold.reportLost(locks.listeners, Optional.of(e));
            throw e;
        }
        if (wasBroken || hold.anyBroken()) {
            hold.reportLost(locks.listeners, Optional.empty());
        } else if (!locks.listeners.isEmpty()) {
            locks.listeners.released(hold.description(), hold.waited, Duration.between(hold.acquiredAt, Instant.now()));
        }
    }

    @Override
    public void revoke(String reason) {
        Objects.requireNonNull(reason, "reason must not be null");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank");
        }
        requireReleasable();
        LockLostException revoked =
                new LockLostException(reason, hold.description(), locks.engine().name(), hold.waited, null);
        try {
            locks.release(hold);
        } catch (LockLostException e) {
            revoked.addSuppressed(e); // the session had failed too: the server frees the lock with it
        }
        hold.reportLost(locks.listeners, Optional.of(revoked));
    }

    /** Refuses a second release, and a release from another thread than the owner. */
    private void requireReleasable() {
        if (hold.isReleased()) {
            throw new LockUsageException("this lock handle was already released", hold.description());
        }
        if (Thread.currentThread() != hold.owner) {
            throw new LockUsageException(
                    "a session lock must be released by the thread that acquired it ('" + hold.owner.getName()
                            + "'), not by '" + Thread.currentThread().getName() + "'",
                    hold.description());
        }
    }

    @Override
    public void close() {
        if (!hold.isReleased()) {
            release();
        }
    }

    @Override
    public LockHandle onLost(Consumer<LockHandle> callback) {
        Objects.requireNonNull(callback, "callback must not be null");
        hold.onLost(callback, this);
        return this;
    }

    @Override
    public String toString() {
        return "LockHandle[" + hold.description() + ", connection " + hold.connectionId
                + (isHeld() ? ", held]" : ", not held]");
    }
}
