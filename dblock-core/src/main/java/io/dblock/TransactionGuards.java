package io.dblock;

import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Checks that a caller's connection is in a transaction before locks that live in it are taken, and takes them (see
 * {@link #lockInTransaction}).
 */
final class TransactionGuards {

    private TransactionGuards() {}

    /** Rejects a closed connection with {@link LockUsageException} "the connection is closed". */
    static void requireOpen(Connection connection, String lock, String engine) {
        try {
            if (connection.isClosed()) {
                throw new LockUsageException("the connection is closed", lock, engine, null, null);
            }
        } catch (SQLException e) {
            throw new LockFailedException("could not read whether the connection is open", lock, engine, null, e);
        }
    }

    /**
     * Rejects a connection in auto-commit mode: a lock taken there would end with its own statement. {@code
     * getAutoCommit()} is answered by the driver without a round trip.
     */
    static void requireTransaction(Connection connection, String lock, String engine) {
        requireOpen(connection, lock, engine);
        try {
            if (connection.getAutoCommit()) {
                throw new LockUsageException(
                        "this lock lives in a transaction, but the connection is in auto-commit mode, so it would be"
                                + " released as soon as it was taken: call connection.setAutoCommit(false) first (or"
                                + " use a session lock, or TableLock.inTransaction)",
                        lock,
                        engine,
                        null,
                        null);
            }
        } catch (SQLException e) {
            throw new LockFailedException("could not read the connection's transaction state", lock, engine, null, e);
        }
    }

    /** The engine's statement that takes a lock in the caller's transaction. */
    @FunctionalInterface
    interface LockStatement {
        /** Runs the statement watched by {@code guard}; true if the lock was granted. */
        boolean lock(WaitGuard guard) throws SQLException;
    }

    /**
     * Takes a lock that lives in the caller's transaction: checks that the connection is in one and that the thread is
     * not interrupted, then runs the engine's statement under the wait guard for {@code priority} (interrupts, and
     * blockers if prioritised), its failure translated with how long it waited.
     *
     * @return whether the lock was granted within {@code wait}
     */
    static boolean lockInTransaction(
            LockContext context,
            Connection connection,
            Wait wait,
            Priority priority,
            String lock,
            LockStatement statement) {
        requireReady(context, connection, lock);
        long start = System.nanoTime();
        try {
            Runnable restore = context.pooler.adapt(connection);
            try {
                return statement.lock(context.guard(connection, wait, priority, lock));
            } finally {
                restore.run();
            }
        } catch (SQLException e) {
            throw Errors.translate(context.engine, e, lock, Durations.since(start));
        }
    }

    /** Refuses a closed {@code DbLocks}, a connection outside a transaction, and an interrupted thread. */
    private static void requireReady(LockContext context, Connection connection, String lock) {
        String engine = context.engine.name();
        context.requireOpen(lock);
        requireTransaction(connection, lock, engine);
        if (Thread.currentThread().isInterrupted()) {
            throw Errors.interrupted(lock, engine, Duration.ZERO, null);
        }
    }
}
