package io.dblock.inspect;

/** What a session is doing, in terms common to every engine. */
public enum SessionState {
    /** Running a statement (which may be waiting for a lock). */
    ACTIVE,
    /** Connected, no statement running, no transaction open. */
    IDLE,
    /** No statement running, but a transaction is open: its locks stay held. */
    IDLE_IN_TRANSACTION,
    /** Idle in a transaction that has already failed (PostgreSQL): it holds its locks until rolled back. */
    IDLE_IN_FAILED_TRANSACTION,
    /** Anything else (fast-path function call, replication, a state the server did not report). */
    OTHER
}
