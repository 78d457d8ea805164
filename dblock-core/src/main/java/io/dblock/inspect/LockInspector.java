package io.dblock.inspect;

import java.util.List;

/**
 * Shows the server's locks and waits and ends sessions that block others. Obtained from {@code
 * DbLocks.inspector()}; thread-safe; each call borrows one connection from the {@code DbLocks}' data source (or uses
 * the calling thread's pinned connection) and reads one consistent snapshot where the server offers one.
 *
 * <p>What each engine can show:
 *
 * <ul>
 *   <li><b>PostgreSQL</b> ({@code pg_locks}, {@code pg_stat_activity}, {@code pg_blocking_pids}): table, view and
 *       partition locks of the current database (system catalogs left out) and advisory locks, granted and waiting,
 *       with exact wait start from PostgreSQL 14. Waits include waits for row locks (the waiter then has no {@link
 *       LockWait#waitingFor()}) and queue order: an earlier conflicting waiter blocks later ones. Needs no privilege to
 *       see locks; other users' query texts show only to superusers and members of {@code pg_read_all_stats}.
 *   <li><b>MySQL 8 / MariaDB</b> ({@code performance_schema.metadata_locks}, {@code threads}): user-level locks of the
 *       current database's prefix and table metadata locks in the current database, granted and pending, with wait
 *       times in whole seconds. A pending request's blockers are the sessions holding a conflicting granted lock on
 *       the same object; InnoDB row-lock waits are not shown. Needs {@code performance_schema} with the {@code
 *       wait/lock/metadata/sql/mdl} instrument on and {@code SELECT} on {@code performance_schema}; without them the
 *       calls throw {@link io.dblock.UnsupportedLockException} saying how to enable it.
 * </ul>
 */
public interface LockInspector {

    /**
     * Every table and advisory lock held or requested on the server, holders first, then by connection id.
     *
     * @return a snapshot; empty if nothing is locked
     * @throws io.dblock.UnsupportedLockException if the engine cannot list locks (see the class comment)
     * @throws io.dblock.LockFailedException if the query fails
     */
    List<LockInfo> locks();

    /**
     * The locks that {@code filter} keeps, from one snapshot.
     *
     * @param filter for example {@code LockFilter.all().table("orders").granted(false)}
     * @return the matching locks, in the order of {@link #locks()}
     */
    List<LockInfo> locks(LockFilter filter);

    /**
     * Who waits for whom: one edge per (waiter, blocker) pair, ordered by waiter then blocker.
     *
     * @return a snapshot; empty if nobody waits
     */
    List<LockWait> waits();

    /**
     * The wait-for graph as trees: roots are sessions that block others and wait for nobody; children are the
     * sessions they block. Built from one {@link #waits()} snapshot, and complete: every edge of {@link #waits()} is a
     * parent-child pair. A session that waits for several sessions (holders of a shared lock, or a holder and an
     * earlier waiter in the queue) appears under each of them, naming all of them in {@link WaitNode#blockedBy()}; the
     * sessions it blocks are listed under its first appearance, and its later ones are {@link WaitNode#repeated()}.
     * {@link WaitNode#blockedCount()} counts distinct sessions. See {@link WaitNode}.
     *
     * @return the roots, the one blocking most distinct sessions first, then by connection id
     */
    List<WaitNode> waitTree();

    /**
     * Cancels the session's running statement: PostgreSQL {@code pg_cancel_backend(id)}, MySQL/MariaDB {@code KILL
     * QUERY id}. The session stays connected; locks that end with its transaction go only if the cancellation ends the
     * transaction (PostgreSQL aborts it; the client then rolls back), and session-level advisory/named locks stay.
     * Privilege: PostgreSQL superuser, the same role, or {@code pg_signal_backend} (not for superusers' sessions);
     * MySQL/MariaDB your own sessions, or {@code CONNECTION_ADMIN}/{@code SUPER} ({@code CONNECTION ADMIN} on MariaDB).
     *
     * <p>Only client sessions are signalled. PostgreSQL: the same statement checks that {@code pg_stat_activity}
     * shows the pid with {@code backend_type = 'client backend'} (the caller must be able to see it: its own role's
     * sessions, or {@code pg_read_all_stats}, e.g. through {@code pg_monitor}). MySQL/MariaDB: a bound {@code SELECT} on
     * {@code information_schema.PROCESSLIST} first refuses daemon threads ({@code COMMAND = 'Daemon'}, the event
     * scheduler), replication threads (user {@code 'system user'}) and {@code Binlog Dump} threads; a caller without
     * {@code PROCESS} sees only its own threads there. The id is always a bound parameter.
     *
     * @param connectionId the session's {@link SessionInfo#connectionId()}
     * @return true if the server accepted the cancellation, false if no such session exists
     * @throws io.dblock.LockUsageException without the privilege, naming what is needed; for the inspector's own
     *     session; for a server process that is not a client session (naming its {@code backend_type}, or its user
     *     and command), in which case nothing is signalled
     */
    boolean cancel(long connectionId);

    /**
     * Ends the session: PostgreSQL {@code pg_terminate_backend(id)}, MySQL/MariaDB {@code KILL id}. Its transaction is
     * rolled back and every lock it holds is released. Same privileges, and the same refusal of server processes that
     * are not client sessions (autovacuum launcher, logical replication launcher, event scheduler, replication
     * threads), as {@link #cancel(long)}.
     *
     * @param connectionId the session's {@link SessionInfo#connectionId()}
     * @return true if the server accepted the termination, false if no such session exists
     * @throws io.dblock.LockUsageException without the privilege, naming what is needed; for the inspector's own
     *     session; for a server process that is not a client session, in which case nothing is signalled
     * @throws io.dblock.UnsupportedLockException behind a pooler in transaction mode ({@link #pooler()} {@code
     *     TRANSACTION}), where the server session is shared by other clients
     */
    boolean terminate(long connectionId);

    /**
     * The pooler setting of the {@code DbLocks} this inspector belongs to, as in effect: the one configured ({@link
     * io.dblock.DbLocks.Builder#pooler}), or for {@link io.dblock.Pooler#AUTO} what detection found once a session lock
     * or inspection ran ({@code NONE} for a direct connection, {@code TRANSACTION} behind a pooler); {@code AUTO} until then.
     */
    io.dblock.Pooler pooler();

    /**
     * How much is left of the grace period of a server the {@code DbLocks} saw come up (restart or promotion, {@link
     * io.dblock.Failover}), during which it takes no session lock there; empty when none is running. Reads nothing from
     * the server: it reports what the last newly pinned connections found.
     */
    java.util.Optional<java.time.Duration> graceLeft();

    /**
     * The connections the {@code DbLocks} this inspector belongs to uses for session locks now, and the holds on each
     * ({@link io.dblock.Multiplexing}). Reads nothing from the server. Default (for other implementations): not
     * multiplexed.
     */
    default ConnectionUse connections() {
        return new ConnectionUse(false, 0, java.util.List.of());
    }
}
