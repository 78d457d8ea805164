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
    /** The user lacks a privilege the lock needs. */
    PRIVILEGE,
    /** The connection or session is gone. */
    CONNECTION,
    /** Anything else. */
    OTHER
}
