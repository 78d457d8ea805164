package io.dblock;

import io.dblock.spi.Wait;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The {@link AdvisoryLock} implementation: immutable configuration over a {@link LockContext}. */
final class DefaultAdvisoryLock implements AdvisoryLock {

    private final LockContext context;
    private final List<LockKey> keys;
    private final AdvisoryLockMode mode;
    private final Duration timeout;
    private final Priority priority;
    private final boolean fenced;

    private DefaultAdvisoryLock(
            LockContext context,
            List<LockKey> keys,
            AdvisoryLockMode mode,
            Duration timeout,
            Priority priority,
            boolean fenced) {
        this.context = context;
        this.fenced = fenced;
        this.keys = keys;
        this.mode = mode;
        this.timeout = timeout;
        this.priority = priority;
    }

    /**
     * An exclusive lock over {@code keys} (sorted, duplicates dropped) with the context's default timeout.
     *
     * @throws IllegalArgumentException if {@code keys} is empty
     */
    public static AdvisoryLock of(LockContext context, Collection<LockKey> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        keys.forEach(k -> Objects.requireNonNull(k, "a lock key must not be null"));
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("an advisory lock needs at least one key");
        }
        return new DefaultAdvisoryLock(
                context,
                List.copyOf(new TreeSet<>(keys)),
                AdvisoryLockMode.EXCLUSIVE,
                context.defaultTimeout,
                null,
                false);
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
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public AdvisoryLock shared() {
        Facets.requireMode(context.engine, AdvisoryLockMode.SHARED, description());
        if (fenced) {
            throw new io.dblock.LockUsageException(
                    "a fenced lock cannot be shared: fencing tokens order exclusive holders, and shared holders hold"
                            + " at once",
                    description());
        }
        return new DefaultAdvisoryLock(context, keys, AdvisoryLockMode.SHARED, timeout, priority, false);
    }

    @Override
    public AdvisoryLock exclusive() {
        return new DefaultAdvisoryLock(context, keys, AdvisoryLockMode.EXCLUSIVE, timeout, priority, fenced);
    }

    @Override
    public AdvisoryLock timeout(Duration timeout) {
        return new DefaultAdvisoryLock(
                context, keys, mode, Durations.checkWait(timeout, description(), context.engine), priority, fenced);
    }

    @Override
    public AdvisoryLock waitForever() {
        return new DefaultAdvisoryLock(context, keys, mode, null, priority, fenced);
    }

    @Override
    public AdvisoryLock prioritised(Priority priority) {
        return new DefaultAdvisoryLock(
                context, keys, mode, timeout, Objects.requireNonNull(priority, "priority must not be null"), fenced);
    }

    @Override
    public AdvisoryLock fenced() {
        if (mode != AdvisoryLockMode.EXCLUSIVE) {
            throw new io.dblock.LockUsageException(
                    "fencing tokens need an exclusive lock: shared holders hold at once, so a token cannot order them",
                    description());
        }
        if (keys.size() != 1) {
            throw new io.dblock.LockUsageException(
                    "fencing tokens are counted per key: fence a lock on one key, not " + keys.size(), description());
        }
        return new DefaultAdvisoryLock(context, keys, mode, timeout, priority, true);
    }

    @Override
    public LockHandle acquire() {
        long start = System.nanoTime();
        try {
            return session(configuredWait()).orElseThrow(() -> notGranted(start, null));
        } catch (LockTimeoutException e) {
            throw notGranted(start, e.getCause()); // the server's timeout error
        }
    }

    @Override
    public Optional<LockHandle> tryAcquire() {
        return trySession(Wait.NONE);
    }

    @Override
    public Optional<LockHandle> tryAcquire(Duration wait) {
        return trySession(Wait.upTo(Durations.checkWait(wait, description(), context.engine)));
    }

    /** A session lock within {@code wait}, or empty: a timeout the server reported as an error is "not granted" too. */
    private Optional<LockHandle> trySession(Wait wait) {
        try {
            return session(wait);
        } catch (LockTimeoutException e) {
            return Optional.empty();
        }
    }

    private Optional<LockHandle> session(Wait wait) {
        Facets.requireMode(context.engine, mode, description());
        return context.listeners.attempt(
                description(),
                io.dblock.LockEvent.Kind.SESSION_ADVISORY,
                System.nanoTime(),
                () -> context.sessions.acquire(
                        keys, mode, wait, description(), priority, fenced ? context.fencingTable : null),
                Optional::isPresent);
    }

    private Wait configuredWait() {
        return timeout == null ? Wait.FOREVER : Wait.upTo(timeout);
    }

    /** The exception of a wait that ended ungranted; {@code cause} is the server's timeout error, if it gave one. */
    private LockTimeoutException notGranted(long start, Throwable cause) {
        return new LockTimeoutException(
                "lock not granted (waited " + configuredWait() + ")",
                description(),
                context.engine.name(),
                Durations.since(start),
                cause);
    }

    @Override
    public <R, X extends Exception> R withLock(LockCallback<R, X> work) throws X {
        Objects.requireNonNull(work, "work must not be null");
        try (LockHandle ignored = acquire()) {
            return work.call();
        }
    }

    @Override
    public <X extends Exception> void runWithLock(LockAction<X> work) throws X {
        Objects.requireNonNull(work, "work must not be null");
        try (LockHandle ignored = acquire()) {
            work.run();
        }
    }

    @Override
    public <R, X extends Exception> Optional<R> tryWithLock(Duration wait, LockCallback<R, X> work) throws X {
        Objects.requireNonNull(work, "work must not be null");
        Optional<LockHandle> handle = tryAcquire(wait);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        try (LockHandle ignored = handle.get()) {
            return Optional.ofNullable(work.call());
        }
    }

    @Override
    public <X extends Exception> boolean tryRunWithLock(Duration wait, LockAction<X> work) throws X {
        Objects.requireNonNull(work, "work must not be null");
        Optional<LockHandle> handle = tryAcquire(wait);
        if (handle.isEmpty()) {
            return false;
        }
        try (LockHandle ignored = handle.get()) {
            work.run();
            return true;
        }
    }

    @Override
    public void acquireForTransaction(Connection connection) {
        long start = System.nanoTime();
        try {
            if (!transaction(connection, configuredWait())) {
                throw notGranted(start, null);
            }
        } catch (LockTimeoutException e) {
            throw e.getCause() == null ? e : notGranted(start, e.getCause());
        }
    }

    @Override
    public boolean tryAcquireForTransaction(Connection connection) {
        return tryTransaction(connection, Wait.NONE);
    }

    @Override
    public boolean tryAcquireForTransaction(Connection connection, Duration wait) {
        return tryTransaction(connection, Wait.upTo(Durations.checkWait(wait, description(), context.engine)));
    }

    /** A transaction lock within {@code wait}, or false: a timeout reported as an error is "not granted" too. */
    private boolean tryTransaction(Connection connection, Wait wait) {
        try {
            return transaction(connection, wait);
        } catch (LockTimeoutException e) {
            return false;
        }
    }

    private boolean transaction(Connection connection, Wait wait) {
        return context.listeners.attempt(
                description(),
                io.dblock.LockEvent.Kind.TRANSACTION_ADVISORY,
                () -> transactionUnobserved(connection, wait));
    }

    private boolean transactionUnobserved(Connection connection, Wait wait) {
        Objects.requireNonNull(connection, "connection must not be null");
        context.requireOpen(description());
        if (fenced) {
            throw new io.dblock.LockUsageException(
                    "fencing tokens need a session lock (acquire(), tryAcquire(...)): a token counted in the"
                            + " transaction would roll back with it, and the next holder would get the same token",
                    description());
        }
        Facets.requireMode(context.engine, mode, description());
        io.dblock.spi.TransactionLocks transactionLocks =
                Facets.require(context.engine, io.dblock.spi.TransactionLocks.class, description());
        return TransactionGuards.lockInTransaction(
                context,
                connection,
                wait,
                priority,
                description(),
                guard -> transactionLocks.acquireTransaction(connection, keys, mode, wait, guard));
    }

    @Override
    public boolean isLocked() {
        return !holderConnectionIds().isEmpty();
    }

    @Override
    public Set<Long> holderConnectionIds() {
        return context.withConnection(c -> context.engine.holders(c, keys), description());
    }

    /** Built once, on first use (a benign race: every thread builds the same string). */
    private String description;

    private String description() {
        String d = description;
        if (d == null) {
            description = d = Describe.advisory(keys, mode);
        }
        return d;
    }

    @Override
    public String toString() {
        return "AdvisoryLock[" + description() + ", timeout " + (timeout == null ? "none" : timeout.toMillis() + " ms")
                + "]";
    }
}
