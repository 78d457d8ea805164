package io.dblock;

/**
 * What stands between dblock and the server, for session locks ({@link DbLocks.Builder#pooler(Pooler)}).
 *
 * <p>A pooler in transaction mode (PgBouncer {@code pool_mode = transaction}, RDS Proxy, Odyssey, pgcat, Supavisor)
 * hands each transaction, and in auto-commit each statement, to any server session: a session-level advisory lock then
 * stays on whichever server session took it, the next client that lands there "holds" it too, and a client that dies
 * leaves it behind. So behind such a pooler dblock holds a session lock as a transaction-scoped lock ({@code
 * pg_advisory_xact_lock}) inside a transaction it leaves open on the pinned connection: the pooler keeps the server
 * session for the length of a transaction in every mode, and the lock ends with that transaction, also when the client
 * dies. What that changes is in {@link #TRANSACTION}.
 *
 * <p>PostgreSQL only: MySQL/MariaDB named locks have no transaction-scoped form. There {@link #TRANSACTION} is refused
 * with {@link UnsupportedLockException}, and a proxy {@link #AUTO} finds (the handshake's thread id against {@code
 * CONNECTION_ID()}) is logged at {@code WARNING} and comes out as {@link #SESSION}; see the README on proxies.
 */
public enum Pooler {
    /**
     * The default: find out once, on the first connection this {@code DbLocks} pins, from a value the driver already
     * has (PostgreSQL: pgjdbc's {@code getBackendPID()}, the BackendKeyData key, against the server's {@code
     * pg_backend_pid()}, one query; through PgBouncer, in every pool mode, the two differ). A pooler found is treated as
     * {@link #TRANSACTION}, since its pool mode cannot be seen; none found is {@link #NONE}. The outcome is logged once
     * ({@code INFO}, logger {@code io.dblock.DbLocks}) and shown by {@link io.dblock.inspect.LockInspector#pooler()}.
     */
    AUTO,
    /** A direct connection: plain session locks ({@code pg_advisory_lock}), no detection query. */
    NONE,
    /**
     * A pooler in session mode (PgBouncer {@code pool_mode = session}): one server session per client connection, so
     * plain session locks are correct and PgBouncer's reset query ({@code DISCARD ALL}) frees them when a client
     * disconnects. Declare it to skip the open transaction that {@link #AUTO} would choose behind a detected pooler.
     */
    SESSION,
    /**
     * A pooler in transaction mode, or any pooler whose mode is unknown. Session locks are held as transaction-scoped
     * locks in a transaction left open on the pinned connection, which keeps the server session:
     *
     * <ul>
     *   <li>Two nodes never hold an exclusive key together, and a node that dies loses its locks with its transaction
     *       (PgBouncer closes a server connection whose client left in the middle of a transaction).
     *   <li>A transaction-scoped lock cannot be released alone: {@link LockHandle#release()} of one of several keys, or
     *       of an inner re-entrant hold, frees it locally only; the server keeps every key of the pinned connection
     *       until that connection's last hold is released, which ends the transaction (ROLLBACK) and frees them all.
     *       Hold one key at a time per thread where other nodes wait for the keys.
     *   <li>The open transaction is {@code idle in transaction} between statements: the keepalive respects {@code
     *       idle_in_transaction_session_timeout}; a pooler's own limit (PgBouncer {@code idle_transaction_timeout})
     *       must be longer than the keepalive's cadence ({@link DbLocks.Builder#keepaliveAt(double)}).
     *   <li>Fencing tokens are counted on a connection of their own (the held transaction never commits); {@link
     *       io.dblock.inspect.LockInspector#terminate} refuses to end a holder's server session through a pooler.
     * </ul>
     */
    TRANSACTION
}
