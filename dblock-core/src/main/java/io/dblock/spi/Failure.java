package io.dblock.spi;

/** What an engine's {@link java.sql.SQLException} means for a lock operation. */
public enum Failure {
    /** Not granted in time ({@code lock_timeout}, {@code NOWAIT}). */
    TIMEOUT,
    /** Chosen as a deadlock victim. */
    DEADLOCK,
    /** The statement was cancelled (interrupt, {@code pg_cancel_backend}, statement timeout). */
    CANCELLED,
    /** A transaction-scoped operation ran outside a transaction. */
    NOT_IN_TRANSACTION,
    /** The transaction had already failed; it must be rolled back. */
    TRANSACTION_FAILED,
    /** A table or schema does not exist. */
    UNDEFINED_TABLE,
    /** The work touched a table that {@code LOCK TABLES} did not lock (MySQL error 1100). */
    TABLE_NOT_LOCKED,
    /** The user lacks a privilege the lock needs. */
    PRIVILEGE,
    /** The connection or session is gone. */
    CONNECTION,
    /** Anything else. */
    OTHER
}
