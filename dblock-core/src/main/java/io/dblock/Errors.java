package io.dblock;

import io.dblock.spi.Failure;
import io.dblock.spi.LockEngine;
import java.sql.SQLException;
import java.time.Duration;

/** Turns driver exceptions into dblock's exception hierarchy, with the lock, engine and wait in the message. */
final class Errors {

    private Errors() {}

    static LockException translate(LockEngine engine, SQLException e, String lock, Duration waited) {
        String name = engine.name();
        Failure failure = engine.classify(e);
        return switch (failure) {
            case TIMEOUT -> new LockTimeoutException("lock not granted in time", lock, name, waited, e);
            case DEADLOCK -> new LockDeadlockException(DEADLOCK_VICTIM, lock, name, waited, e);
            case CANCELLED -> cancelled(lock, name, waited, e);
            case CONNECTION -> connectionFailed(lock, name, waited, e);
            case NOT_IN_TRANSACTION, TRANSACTION_FAILED, UNDEFINED_TABLE, TABLE_NOT_LOCKED, PRIVILEGE ->
                new LockUsageException(misuse(failure, e), lock, name, null, e);
            case OTHER ->
                new LockFailedException("the lock operation failed: " + e.getMessage(), lock, name, waited, e);
        };
    }

    private static final String DEADLOCK_VICTIM =
            "deadlock detected by the server; this request was chosen as the victim";

    /** A cancelled statement: the interrupt watcher's cancel if the thread is interrupted, else the server's. */
    private static LockException cancelled(String lock, String engine, Duration waited, SQLException e) {
        if (Thread.currentThread().isInterrupted()) {
            return interrupted(lock, engine, waited, e);
        }
        return new LockFailedException(
                "the server cancelled the lock statement (" + cancelCauses(engine) + ")", lock, engine, waited, e);
    }

    /** A failed connection; on an interrupted thread, the end of its wait. */
    private static LockException connectionFailed(String lock, String engine, Duration waited, SQLException e) {
        if (Thread.currentThread().isInterrupted()) {
            // a virtual thread's interrupt closes the socket it is blocked on: the wait ended with it
            return new LockInterruptedException(
                    "interrupted while waiting for the lock; the interrupt closed the connection (as it does for a"
                            + " virtual thread blocked on a socket), which ended the wait",
                    lock,
                    engine,
                    waited,
                    e);
        }
        return new LockFailedException("the connection failed during the lock operation", lock, engine, waited, e);
    }

    /** What the caller has to fix, for the failures that come from how a lock was used. */
    private static String misuse(Failure failure, SQLException e) {
        return switch (failure) {
            case NOT_IN_TRANSACTION ->
                "this lock needs an open transaction: call connection.setAutoCommit(false) first";
            case TRANSACTION_FAILED -> "the connection's transaction has already failed; roll it back before locking";
            case UNDEFINED_TABLE ->
                "a table or schema does not exist (names are taken literally and are case-sensitive): "
                        + e.getMessage();
            case TABLE_NOT_LOCKED -> "a table was used that LOCK TABLES did not lock: " + e.getMessage();
            case PRIVILEGE -> "the database user lacks the privilege this lock needs: " + e.getMessage();
            default -> throw new IllegalArgumentException("not a usage failure: " + failure);
        };
    }

    /** What can cancel a statement on each engine, for the message. */
    private static String cancelCauses(String engine) {
        return switch (engine) {
            case "PostgreSQL" -> "statement_timeout, or pg_cancel_backend from another session";
            case "MariaDB" -> "max_statement_time, or KILL QUERY from another session";
            case "MySQL" -> "max_execution_time, or KILL QUERY from another session";
            default -> "a statement timeout, or a cancel from another session";
        };
    }

    static LockInterruptedException interrupted(String lock, String engine, Duration waited, Throwable cause) {
        return new LockInterruptedException(
                "interrupted while waiting for the lock; the wait was cancelled", lock, engine, waited, cause);
    }

    static LockFailedException connectionUnavailable(String lock, String engine, SQLException e) {
        return new LockFailedException(
                "could not get a connection from the DataSource for the lock", lock, engine, null, e);
    }
}
