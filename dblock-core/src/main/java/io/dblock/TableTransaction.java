package io.dblock;

import io.dblock.spi.Failure;
import io.dblock.spi.Wait;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link TableLock#inTransaction}: work in a transaction of its own, on a borrowed connection, that holds the tables.
 *
 * <p>Locks, runs the work, commits; on any failure rolls back. Then {@code UNLOCK TABLES}, the previous auto-commit
 * mode, and the connection goes back to the data source. The first failure is the one thrown; failures of the clean-up
 * after it (rollback, unlock, auto-commit, close) are added to it as suppressed exceptions, so the server's own error
 * is never replaced by, say, the pool's "connection is closed".
 */
final class TableTransaction {

    /** Takes the table lock on the connection within the wait; false if it was not granted in time. */
    @FunctionalInterface
    interface Locker {
        boolean lock(Connection connection, Wait wait);
    }

    /** Boxes a result so that a null result and "not locked" stay distinguishable. */
    record Result<R>(R value) {}

    private final LockContext context;
    private final String description;
    private final Locker locker;

    /** The server's timeout error of the lock statement, if it ended with one; read after {@link #run}. */
    private Throwable timeoutError;

    TableTransaction(LockContext context, String description, Locker locker) {
        this.context = context;
        this.description = description;
        this.locker = locker;
    }

    /** The server's error that ended the lock's wait, if {@link #run} found the tables not locked through one. */
    Throwable timeoutError() {
        return timeoutError;
    }

    /** Runs {@code work} holding the tables; empty if they were not locked within {@code wait}. */
    <R, X extends Exception> Optional<Result<R>> run(Wait wait, TransactionCallback<R, X> work) throws X {
        Objects.requireNonNull(work, "work must not be null");
        context.requireOpen(description);
        Connection connection = borrow();
        Throwable failure = null;
        Runnable restore = null;
        try {
            restore = context.pooler.adapt(connection); // the work's statements too, behind a transaction pooler
            return inOwnTransaction(connection, wait, work);
        } catch (SQLException e) {
            failure = Errors.translate(context.engine, e, description, null);
            throw (LockException) failure;
        } catch (Exception | Error e) { // X, the work's own checked exception, or unchecked
            failure = e;
            throw e;
        } finally {
            if (restore != null) {
                restore.run();
            }
            closeKeeping(connection, failure);
        }
    }

    private Connection borrow() {
        try {
            return context.dataSource.getConnection();
        } catch (SQLException e) {
            throw Errors.connectionUnavailable(description, context.engine.name(), e);
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
                throw Errors.translate(context.engine, e, description, null);
            }
        }
    }

    /** Turns off auto-commit for the transaction, and cleans up after it however it ends. */
    private <R, X extends Exception> Optional<Result<R>> inOwnTransaction(
            Connection connection, Wait wait, TransactionCallback<R, X> work) throws X, SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        Throwable failure = null;
        try {
            return lockAndRun(connection, wait, work);
        } catch (Exception | Error e) {
            failure = e;
            throw e;
        } finally {
            cleanUp(connection, autoCommit, failure);
        }
    }

    private <R, X extends Exception> Optional<Result<R>> lockAndRun(
            Connection connection, Wait wait, TransactionCallback<R, X> work) throws X, SQLException {
        try {
            if (!locker.lock(connection, wait)) {
                return Optional.empty();
            }
        } catch (LockTimeoutException e) { // the server's timeout error: "not locked", the error kept as the cause
            timeoutError = e.getCause();
            return Optional.empty();
        }
        try {
            R value = work.inTransaction(connection);
            connection.commit();
            return Optional.of(new Result<>(value));
        } catch (SQLException e) {
            if (context.engine.classify(e) == Failure.TABLE_NOT_LOCKED) {
                throw uncoveredTable(e);
            }
            throw e;
        }
    }

    private LockUsageException uncoveredTable(SQLException e) {
        return new LockUsageException(
                "the work touched a table this lock does not cover; MySQL and MariaDB require every table a LOCK TABLES"
                        + " transaction uses to be locked: add it with read(...) or write(...): " + e.getMessage(),
                description,
                context.engine.name(),
                null,
                e);
    }

    /** Rolls back after a failure, then unlocks and restores auto-commit; see the class comment for what is thrown. */
    private void cleanUp(Connection connection, boolean autoCommit, Throwable failure) throws SQLException {
        if (failure != null) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }
        SQLException first = unlockAndRestore(connection, autoCommit);
        if (first != null) {
            if (failure != null) {
                failure.addSuppressed(first);
            } else {
                throw first;
            }
        }
    }

    /**
     * {@code UNLOCK TABLES}, then the previous auto-commit mode, each tried whatever the other did.
     *
     * @return the first failure, with the second added to it, or null
     */
    private SQLException unlockAndRestore(Connection connection, boolean autoCommit) {
        SQLException first = null;
        try {
            Facets.require(context.engine, io.dblock.spi.TableLocks.class, description)
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
        return first;
    }
}
