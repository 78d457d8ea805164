package io.dblock;

import java.sql.Connection;
import java.sql.SQLException;

/** Checks that a caller's connection is in a transaction before locks that live in it are taken. */
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
}
