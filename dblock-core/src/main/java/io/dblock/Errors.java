package io.dblock;

import io.dblock.spi.LockEngine;
import java.sql.SQLException;
import java.time.Duration;

/** Turns driver exceptions into dblock's exception hierarchy, with the lock, engine and wait in the message. */
final class Errors {

    private Errors() {}

    static LockException translate(LockEngine engine, SQLException e, String lock, Duration waited) {
        String name = engine.name();
        return switch (engine.classify(e)) {
            case TIMEOUT -> new LockTimeoutException("lock not granted in time", lock, name, waited, e);
            case DEADLOCK ->
                new LockDeadlockException(
                        "deadlock detected by the server; this request was chosen as the victim",
                        lock,
                        name,
                        waited,
                        e);
            case CANCELLED ->
                Thread.currentThread().isInterrupted()
                        ? interrupted(lock, name, waited, e)
                        : new LockFailedException(
                                "the server cancelled the lock statement (" + cancelCauses(name) + ")",
                                lock,
                                name,
                                waited,
                                e);
            case NOT_IN_TRANSACTION ->
                new LockUsageException(
                        "this lock needs an open transaction: call connection.setAutoCommit(false) first",
                        lock,
                        name,
                        null,
                        e);
            case TRANSACTION_FAILED ->
                new LockUsageException(
                        "the connection's transaction has already failed; roll it back before locking",
                        lock,
                        name,
                        null,
                        e);
            case UNDEFINED_TABLE ->
                new LockUsageException(
                        "a table or schema does not exist (names are taken literally and are case-sensitive): "
                                + e.getMessage(),
                        lock,
                        name,
                        null,
                        e);
            case TABLE_NOT_LOCKED ->
                new LockUsageException(
                        "a table was used that LOCK TABLES did not lock: " + e.getMessage(), lock, name, null, e);
            case PRIVILEGE ->
                new LockUsageException(
                        "the database user lacks the privilege this lock needs: " + e.getMessage(),
                        lock,
                        name,
                        null,
                        e);
            case CONNECTION ->
                Thread.currentThread().isInterrupted()
                        // a virtual thread's interrupt closes the socket it is blocked on: the wait ended with it
                        ? new LockInterruptedException(
                                "interrupted while waiting for the lock; the interrupt closed the connection (as it does"
                                        + " for a virtual thread blocked on a socket), which ended the wait",
                                lock,
                                name,
                                waited,
                                e)
                        : new LockFailedException(
                                "the connection failed during the lock operation", lock, name, waited, e);
            case OTHER ->
                new LockFailedException("the lock operation failed: " + e.getMessage(), lock, name, waited, e);
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
