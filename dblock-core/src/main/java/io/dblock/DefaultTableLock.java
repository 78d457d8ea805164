package io.dblock;

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
        try {
            if (!lock(connection, configuredWait())) {
                throw timedOut(start, null);
            }
        } catch (LockTimeoutException e) {
            throw e.getCause() == null ? e : timedOut(start, e.getCause());
        }
    }

    @Override
    public boolean tryAcquire(Connection connection) {
        return tryLock(connection, Wait.NONE);
    }

    @Override
    public boolean tryAcquire(Connection connection, Duration wait) {
        return tryLock(connection, Wait.upTo(Durations.checkWait(wait, description(), context.engine)));
    }

    /** The tables within {@code wait}, or false: a timeout the server reported as an error is "not locked" too. */
    private boolean tryLock(Connection connection, Wait wait) {
        try {
            return lock(connection, wait);
        } catch (LockTimeoutException e) {
            return false;
        }
    }

    private boolean lock(Connection connection, Wait wait) {
        return context.listeners.attempt(
                description(), io.dblock.LockEvent.Kind.TABLE, () -> lockUnobserved(connection, wait));
    }

    private boolean lockUnobserved(Connection connection, Wait wait) {
        Objects.requireNonNull(connection, "connection must not be null");
        if (requests.isEmpty()) {
            throw new LockUsageException(
                    "no tables to lock: name them with tables(...), read(...) or write(...)", null);
        }
        return TransactionGuards.lockInTransaction(
                context, connection, wait, priority, description(), guard -> tableLocks()
                        .lockTables(connection, requests, wait, guard));
    }

    private io.dblock.spi.TableLocks tableLocks() {
        return Facets.require(context.engine, io.dblock.spi.TableLocks.class, description());
    }

    @Override
    public void release(Connection connection) {
        Objects.requireNonNull(connection, "connection must not be null");
        TransactionGuards.requireOpen(connection, description(), context.engine.name());
        try {
            tableLocks().unlockTables(connection);
        } catch (SQLException e) {
            throw Errors.translate(context.engine, e, description(), null);
        }
    }

    @Override
    public <R, X extends Exception> R inTransaction(TransactionCallback<R, X> work) throws X {
        long start = System.nanoTime();
        TableTransaction transaction = ownTransaction();
        return transaction
                .run(configuredWait(), work)
                .orElseThrow(() -> timedOut(start, transaction.timeoutError()))
                .value();
    }

    @Override
    public <R, X extends Exception> Optional<R> tryInTransaction(Duration wait, TransactionCallback<R, X> work)
            throws X {
        return ownTransaction()
                .run(Wait.upTo(Durations.checkWait(wait, description(), context.engine)), work)
                .map(TableTransaction.Result::value);
    }

    private TableTransaction ownTransaction() {
        return new TableTransaction(context, description(), this::lock);
    }

    private Wait configuredWait() {
        return timeout == null ? Wait.FOREVER : Wait.upTo(timeout);
    }

    /** The exception of tables not locked in time; {@code cause} is the server's timeout error, if it gave one. */
    private LockTimeoutException timedOut(long start, Throwable cause) {
        Duration waited = Durations.since(start);
        return new LockTimeoutException(
                "tables not locked within " + (timeout == null ? "forever" : timeout.toMillis() + " ms") + " (waited "
                        + waited.toMillis() + " ms)",
                description(),
                context.engine.name(),
                waited,
                cause);
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
