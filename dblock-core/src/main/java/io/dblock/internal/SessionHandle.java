package io.dblock.internal;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.LockUsageException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A held session lock; see {@link LockHandle}. Its state changes only on the owner thread. */
final class SessionHandle implements LockHandle {

    private final SessionLocks locks;
    private final List<LockKey> keys;
    private final AdvisoryLockMode mode;
    private final Pin pin;
    private final Thread owner;
    private final Instant acquiredAt = Instant.now();
    private final Duration waited;
    private final long connectionId;
    private volatile boolean released;
    private final java.util.concurrent.atomic.AtomicBoolean lostReported =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.List<java.util.function.Consumer<LockHandle>> lostCallbacks =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Long fencingToken;

    SessionHandle(
            SessionLocks locks,
            List<LockKey> keys,
            AdvisoryLockMode mode,
            Pin pin,
            Thread owner,
            Duration waited,
            Long fencingToken) {
        this.fencingToken = fencingToken;
        this.locks = locks;
        this.keys = keys;
        this.mode = mode;
        this.pin = pin;
        this.owner = owner;
        this.waited = waited;
        this.connectionId = pin.connectionId;
    }

    @Override
    public List<LockKey> keys() {
        return keys;
    }

    @Override
    public AdvisoryLockMode mode() {
        return mode;
    }

    @Override
    public boolean isHeld() {
        return !released && !pin.broken;
    }

    @Override
    public java.util.OptionalLong fencingToken() {
        return fencingToken == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(fencingToken);
    }

    @Override
    public long connectionId() {
        return connectionId;
    }

    @Override
    public Instant acquiredAt() {
        return acquiredAt;
    }

    @Override
    public Duration waited() {
        return waited;
    }

    @Override
    public void release() {
        if (released) {
            throw new LockUsageException("this lock handle was already released", description());
        }
        if (Thread.currentThread() != owner) {
            throw new LockUsageException(
                    "a session lock must be released by the thread that acquired it ('" + owner.getName()
                            + "'), not by '" + Thread.currentThread().getName() + "'",
                    description());
        }
        released = true;
        boolean wasBroken = pin.broken;
        try {
            locks.release(this);
        } catch (io.dblock.LockLostException e) {
            reportLost(java.util.Optional.of(e));
            throw e;
        }
        if (wasBroken || pin.broken) {
            reportLost(java.util.Optional.empty());
        } else {
            locks.listeners.released(description(), waited, Duration.between(acquiredAt, Instant.now()));
        }
    }

    @Override
    public void close() {
        if (!released) {
            release();
        }
    }

    Pin pin() {
        return pin;
    }

    @Override
    public LockHandle onLost(java.util.function.Consumer<LockHandle> callback) {
        java.util.Objects.requireNonNull(callback, "callback must not be null");
        lostCallbacks.add(callback);
        if (lostReported.get() && lostCallbacks.remove(callback)) {
            runCallback(callback);
        }
        return this;
    }

    /** Reports the loss once: listeners, then callbacks. Called by the watchdog or at release. */
    void reportLost(java.util.Optional<io.dblock.LockException> failure) {
        if (!lostReported.compareAndSet(false, true)) {
            return;
        }
        locks.listeners.lost(description(), waited, failure);
        for (java.util.function.Consumer<LockHandle> callback : lostCallbacks) {
            if (lostCallbacks.remove(callback)) {
                runCallback(callback);
            }
        }
    }

    boolean isReleased() {
        return released;
    }

    private void runCallback(java.util.function.Consumer<LockHandle> callback) {
        try {
            callback.accept(this);
        } catch (RuntimeException e) {
            System.getLogger(LockHandle.class.getName())
                    .log(System.Logger.Level.WARNING, "an onLost callback of " + description() + " failed", e);
        }
    }

    Thread owner() {
        return owner;
    }

    String description() {
        return Describe.advisory(keys, mode);
    }

    @Override
    public String toString() {
        return "LockHandle[" + description() + ", connection " + connectionId + (isHeld() ? ", held]" : ", not held]");
    }
}
