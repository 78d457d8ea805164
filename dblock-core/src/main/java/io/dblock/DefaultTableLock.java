package io.dblock;

import io.dblock.spi.Failure;
import io.dblock.spi.Wait;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/** The {@link TableLock} implementation: an immutable, canonically ordered list of table requests. */
final class DefaultTableLock implements TableLock {

    private final LockContext context;
    private final List<TableLockRequest> requests;
    private final Duration timeout;
    private final Priority priority;

    private DefaultTableLock(
            LockContext context, List<TableLockRequest> requests, Duration timeout, Priority priority) {
        this.context = context;
        this.requests = requests;
        this.timeout = timeout;
        this.priority = priority;
    }

    /** A lock on {@code tables} in {@link TableLockMode#ACCESS_EXCLUSIVE} mode (none: add them with read/write). */
    public static TableLock of(LockContext context, List<TableName> tables) {
        List<TableLockRequest> requests = new ArrayList<>();
        for (TableName table : tables) {
            requests.add(new TableLockRequest(
                    Objects.requireNonNull(table, "table must not be null"), TableLockMode.ACCESS_EXCLUSIVE));
        }
        return new DefaultTableLock(context, canonical(context, requests), context.defaultTimeout, null);
    }

    private static List<TableLockRequest> canonical(LockContext context, List<TableLockRequest> requests) {
        requests.forEach(Facets.require(context.engine, io.dblock.spi.TableLocks.class, "a table lock")::validate);
        return List.copyOf(new TreeSet<>(requests));
    }

    @Override
    public List<TableLockRequest> requests() {
        return requests;
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public TableLock mode(TableLockMode mode) {
        Objects.requireNonNull(mode, "mode must not be null");
        List<TableLockRequest> changed = new ArrayList<>();
        requests.forEach(r -> changed.add(new TableLockRequest(r.table(), mode)));
        return new DefaultTableLock(context, canonical(context, changed), timeout, priority);
    }

    @Override
    public TableLock table(TableName table, TableLockMode mode) {
        List<TableLockRequest> more = new ArrayList<>(requests);
        more.add(new TableLockRequest(table, mode));
        return new DefaultTableLock(context, canonical(context, more), timeout, priority);
    }

    @Override
    public TableLock read(String... tables) {
        return add(tables, TableLockMode.SHARE);
    }

    @Override
    public TableLock write(String... tables) {
        return add(tables, TableLockMode.ACCESS_EXCLUSIVE);
    }

    private TableLock add(String[] tables, TableLockMode mode) {
        Objects.requireNonNull(tables, "tables must not be null");
        List<TableLockRequest> more = new ArrayList<>(requests);
        for (String table : tables) {
            more.add(new TableLockRequest(TableName.parse(table), mode));
        }
        return new DefaultTableLock(context, canonical(context, more), timeout, priority);
    }

    @Override
    public TableLock timeout(Duration timeout) {
        return new DefaultTableLock(
                context, requests, Durations.checkWait(timeout, description(), context.engine), priority);
    }

    @Override
    public TableLock waitForever() {
        return new DefaultTableLock(context, requests, null, priority);
    }

    @Override
    public TableLock prioritised(Priority priority) {
        return new DefaultTableLock(
                context, requests, timeout, Objects.requireNonNull(priority, "priority must not be null"));
    }

    @Override
    public void acquire(Connection connection) {
        long start = System.nanoTime();
        if (!lock(connection, configuredWait())) {
            throw timedOut(start);
        }
    }

    @Override
    public boolean tryAcquire(Connection connection) {
        return lock(connection, Wait.NONE);
    }

    @Override
    public boolean tryAcquire(Connection connection, Duration wait) {
        return lock(connection, Wait.upTo(Durations.checkWait(wait, description(), context.engine)));
    }

    private boolean lock(Connection connection, Wait wait) {
        return context.listeners.attempt(
                description(),
                io.dblock.LockEvent.Kind.TABLE,
                System.nanoTime(),
                () -> lockUnobserved(connection, wait),
                granted -> granted);
    }

    private boolean lockUnobserved(Connection connection, Wait wait) {
        Objects.requireNonNull(connection, "connection must not be null");
        if (requests.isEmpty()) {
            throw new LockUsageException(
                    "no tables to lock: name them with tables(...), read(...) or write(...)", null);
        }
        TransactionGuards.requireTransaction(connection, description(), context.engine.name());
        if (Thread.currentThread().isInterrupted()) {
            throw Errors.interrupted(description(), context.engine.name(), Duration.ZERO, null);
        }
        long start = System.nanoTime();
        try {
            return Facets.require(context.engine, io.dblock.spi.TableLocks.class, description())
                    .lockTables(connection, requests, wait, context.guard(connection, wait, priority, description()));
        } catch (SQLException e) {
            throw Errors.translate(context.engine, e, description(), Durations.since(start));
        }
    }

    @Override
    public void release(Connection connection) {
        Objects.requireNonNull(connection, "connection must not be null");
        TransactionGuards.requireOpen(connection, description(), context.engine.name());
        try {
            Facets.require(context.engine, io.dblock.spi.TableLocks.class, description())
                    .unlockTables(connection);
        } catch (SQLException e) {
            throw Errors.translate(context.engine, e, description(), null);
        }
    }

    @Override
    public <R, X extends Exception> R inTransaction(TransactionCallback<R, X> work) throws X {
        long start = System.nanoTime();
        return run(configuredWait(), work).orElseThrow(() -> timedOut(start)).value;
    }

    @Override
    public <R, X extends Exception> Optional<R> tryInTransaction(Duration wait, TransactionCallback<R, X> work)
            throws X {
        return run(Wait.upTo(Durations.checkWait(wait, description(), context.engine)), work)
                .map(r -> r.value);
    }

    /** Boxes a result so that a null result and "not locked" stay distinguishable. */
    private record Result<R>(R value) {}

    private <R, X extends Exception> Optional<Result<R>> run(Wait wait, TransactionCallback<R, X> work) throws X {
        Objects.requireNonNull(work, "work must not be null");
        Connection connection;
        try {
            connection = context.dataSource.getConnection();
        } catch (SQLException e) {
            throw Errors.connectionUnavailable(description(), context.engine.name(), e);
        }
        Throwable failure = null;
        try {
            return inOwnTransaction(connection, wait, work);
        } catch (SQLException e) {
            failure = Errors.translate(context.engine, e, description(), null);
            throw (LockException) failure;
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } catch (Exception e) { // X, the work's own checked exception
            failure = e;
            throw e;
        } finally {
            closeKeeping(connection, failure);
        }
    }

    /** Closes the connection; a failure to close is added to {@code failure}, or thrown if there is none. */
    private void closeKeeping(Connection connection, Throwable failure) {
        try {
            connection.close();
        } catch (SQLException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                throw Errors.translate(context.engine, e, description(), null);
            }
        }
    }

    /**
     * Locks, runs the work, commits; on any failure rolls back. Then {@code UNLOCK TABLES} and the previous auto-commit
     * mode. The first failure is the one thrown; failures of the clean-up after it (rollback, unlock, auto-commit) are
     * added to it as suppressed exceptions, so the server's own error is never replaced by, say, the pool's
     * "connection is closed".
     */
    private <R, X extends Exception> Optional<Result<R>> inOwnTransaction(
            Connection connection, Wait wait, TransactionCallback<R, X> work) throws X, SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        Throwable failure = null;
        try {
            if (!lock(connection, wait)) {
                return Optional.empty();
            }
            R value = work.inTransaction(connection);
            connection.commit();
            return Optional.of(new Result<>(value));
        } catch (SQLException e) {
            if (context.engine.classify(e) == Failure.TABLE_NOT_LOCKED) {
                failure = new LockUsageException(
                        "the work touched a table this lock does not cover; MySQL and MariaDB require every table a"
                                + " LOCK TABLES transaction uses to be locked: add it with read(...) or write(...): "
                                + e.getMessage(),
                        description(),
                        context.engine.name(),
                        null,
                        e);
                throw (LockUsageException) failure;
            }
            failure = e;
            throw e;
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } catch (Exception e) { // X
            failure = e;
            throw e;
        } finally {
            cleanUp(connection, autoCommit, failure);
        }
    }

    private void cleanUp(Connection connection, boolean autoCommit, Throwable failure) throws SQLException {
        SQLException first = null;
        if (failure != null) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }
        try {
            Facets.require(context.engine, io.dblock.spi.TableLocks.class, description())
                    .unlockTables(connection);
        } catch (SQLException e) {
            first = e;
        }
        try {
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        if (first != null) {
            if (failure != null) {
                failure.addSuppressed(first);
            } else {
                throw first;
            }
        }
    }

    private Wait configuredWait() {
        return timeout == null ? Wait.FOREVER : Wait.upTo(timeout);
    }

    private LockTimeoutException timedOut(long start) {
        Duration waited = Durations.since(start);
        return new LockTimeoutException(
                "tables not locked within " + (timeout == null ? "forever" : timeout.toMillis() + " ms") + " (waited "
                        + waited.toMillis() + " ms)",
                description(),
                context.engine.name(),
                waited,
                null);
    }

    /** Built once, on first use (a benign race: every thread builds the same string). */
    private String description;

    private String description() {
        String d = description;
        if (d == null) {
            description = d = Describe.tables(requests, context.engine.name());
        }
        return d;
    }

    @Override
    public String toString() {
        return "TableLock[" + description() + "]";
    }
}
