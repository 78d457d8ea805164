package io.dblock;

import io.dblock.spi.Failure;
import io.dblock.spi.LockEngine;
import io.dblock.spi.Wait;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Sets the engine's lock wait limits on a connection and restores them on close; tracks nesting per connection. */
final class DefaultLockTimeoutScope implements LockTimeoutScope {

    /** Open scopes per connection, innermost first. Identity: a pool's proxy is the caller's connection. */
    private static final Map<Connection, Deque<DefaultLockTimeoutScope>> OPEN =
            Collections.synchronizedMap(new IdentityHashMap<>());

    private final LockEngine engine;
    private final Connection connection;
    private final List<String> previous;
    private final String description;
    private boolean closed;

    private DefaultLockTimeoutScope(
            LockEngine engine, Connection connection, List<String> previous, String description) {
        this.engine = engine;
        this.connection = connection;
        this.previous = previous;
        this.description = description;
    }

    /** Opens a scope: one round trip on PostgreSQL, two on MySQL/MariaDB. */
    public static LockTimeoutScope open(LockContext context, Connection connection, Duration timeout) {
        Objects.requireNonNull(connection, "connection must not be null");
        String description = "lock timeout scope of " + timeout;
        context.requireOpen(description);
        Durations.checkWait(
                timeout, "wait duration", description, context.engine, "to keep the server's own limit, open no scope");
        TransactionGuards.requireOpen(connection, description, context.engine.name());
        Wait wait = timeout.isZero() ? Wait.NONE : Wait.upTo(timeout);
        List<String> previous;
        try {
            previous = Facets.require(context.engine, io.dblock.spi.LockTimeouts.class, description)
                    .setLockTimeouts(connection, wait);
        } catch (SQLException e) {
            throw Errors.translate(context.engine, e, description, null);
        }
        DefaultLockTimeoutScope scope = new DefaultLockTimeoutScope(context.engine, connection, previous, description);
        OPEN.computeIfAbsent(connection, c -> new ArrayDeque<>()).push(scope);
        return scope;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        leaveNesting();
        closed = true;
        try {
            Facets.require(engine, io.dblock.spi.LockTimeouts.class, description)
                    .restoreLockTimeouts(connection, previous);
        } catch (SQLException e) {
            throw restoreFailed(e);
        }
    }

    /** Takes this scope off its connection's open scopes, refusing if an inner one is still open. */
    private void leaveNesting() {
        synchronized (OPEN) {
            Deque<DefaultLockTimeoutScope> open = OPEN.get(connection);
            if (open == null || open.peek() != this) {
                throw new LockUsageException(
                        "close lock timeout scopes in reverse order of opening: an inner scope on this connection is"
                                + " still open",
                        description);
            }
            open.pop();
            if (open.isEmpty()) {
                OPEN.remove(connection);
            }
        }
    }

    private LockException restoreFailed(SQLException e) {
        if (engine.classify(e) == Failure.TRANSACTION_FAILED) {
            return new LockUsageException(
                    "the previous lock timeout " + previous + " could not be restored because the transaction has"
                            + " failed; roll it back (which also undoes the change if the scope was opened in that"
                            + " transaction)",
                    description,
                    engine.name(),
                    null,
                    e);
        }
        return Errors.translate(engine, e, description, null);
    }

    /** {@link DbLocks#withLockTimeout}: {@code work} checked, then run inside a scope opened for it, closed after. */
    static <R, X extends Exception> R within(
            DbLocks locks, java.sql.Connection connection, java.time.Duration timeout, LockCallback<R, X> work)
            throws X {
        java.util.Objects.requireNonNull(work, "work must not be null");
        try (LockTimeoutScope scope = locks.lockTimeout(connection, timeout)) {
            return work.call();
        }
    }
}
