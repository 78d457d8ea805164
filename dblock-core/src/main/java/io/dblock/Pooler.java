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
     * The default: find out once, on the first connection this {@code DbLocks} runs its own SQL on (a pinned one, or one borrowed for inspection or fencing), from a value the driver already
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
     *   <li>A transaction-scoped lock cannot be unlocked alone, so each acquisition a thread makes while it holds others
     *       is taken after a savepoint of its own (one more statement). Releasing the thread's latest hold rolls back
     *       to its savepoint (two statements) and frees its keys on the server at once; its last hold ends the
     *       transaction (ROLLBACK). A hold released before a later one (not last in, first out) is released locally
     *       at once but stays on the server, excluding other nodes, until every later hold of that thread is released
     *       too. An inner re-entrant hold was never a server lock of its own: its release frees nothing, as on a
     *       direct connection. A multi-key hold is one acquisition: its keys go together.
     *   <li>The open transaction is {@code idle in transaction} between statements: the keepalive reads the server's
     *       {@code idle_in_transaction_session_timeout} and uses the held transaction within {@link
     *       DbLocks.Builder#keepaliveAt(double)} of it. A pooler's own limit (PgBouncer {@code
     *       idle_transaction_timeout}) cannot be read from the server: declare it ({@link DbLocks.Builder#pooler(Pooler,
     *       java.time.Duration)}), or the pooler ends the transaction and frees the lock before the holder learns of
     *       it at its next keepalive or watchdog check.
     *   <li>pgjdbc's server-side prepared statements are off ({@code prepareThreshold} 0) on every connection while
     *       dblock runs its statements on it: pinned, borrowed (inspection, fencing, table locks in dblock's own
     *       transaction) and the caller's (transaction locks), and put back after. The application's own statements
     *       need the setting from the application where the pooler cannot keep them (PgBouncer before 1.21).
     *   <li>Fencing tokens are counted on a connection of their own (the held transaction never commits); {@link
     *       io.dblock.inspect.LockInspector#terminate} refuses to end a holder's server session through a pooler.
     * </ul>
     */
    TRANSACTION
}
