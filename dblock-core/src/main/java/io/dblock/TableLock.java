package io.dblock;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A lock on one or more tables, held until the end of the transaction that takes it.
 *
 * <p>Instances are immutable and thread-safe; every configuring method returns a new instance. Tables are locked in
 * canonical order (sorted by schema, then name), whatever the order they were given in, so two requests for
 * overlapping sets cannot deadlock on the order.
 *
 * <h2>Modes</h2>
 *
 * {@link #mode(TableLockMode)} sets one of PostgreSQL's eight modes for every table (default {@link
 * TableLockMode#ACCESS_EXCLUSIVE}, as {@code LOCK TABLE}). The portable form names tables by intent: {@link #read}
 * (others may read, nobody may write: PostgreSQL {@code SHARE}, MySQL {@code READ}) and {@link #write} (nobody else may
 * read or write: PostgreSQL {@code ACCESS EXCLUSIVE}, MySQL {@code WRITE}).
 *
 * <h2>SQL on PostgreSQL</h2>
 *
 * One execution: {@code SAVEPOINT dblock_lock; [set lock_timeout]; LOCK TABLE "s"."t" IN <mode> MODE [NOWAIT];
 * [restore lock_timeout]; RELEASE SAVEPOINT dblock_lock}. Identifiers are always double-quoted, with embedded quotes
 * doubled. On timeout the savepoint is rolled back, so the caller's transaction stays usable.
 */
public interface TableLock {

    /** The requested tables and modes, in canonical order. */
    List<TableLockRequest> requests();

    /** How long {@link #acquire} and {@link #inTransaction} wait; empty means without limit. */
    Optional<Duration> timeout();

    /** Every table of this lock in {@code mode}. */
    TableLock mode(TableLockMode mode);

    /** Adds {@code table} in {@code mode}. */
    TableLock table(TableName table, TableLockMode mode);

    /**
     * Adds tables to lock for reading: others may read them but not write (PostgreSQL {@code SHARE}).
     *
     * @param tables names as for {@link TableName#parse(String)}
     */
    TableLock read(String... tables);

    /**
     * Adds tables to lock for writing: nobody else may read or write them (PostgreSQL {@code ACCESS EXCLUSIVE}).
     *
     * @param tables names as for {@link TableName#parse(String)}
     */
    TableLock write(String... tables);

    /**
     * The same lock with another wait limit; {@link Duration#ZERO} means {@code NOWAIT}.
     *
     * @throws IllegalArgumentException if negative, or longer than the engine can wait ({@link
     *     io.dblock.spi.LockEngine#longestWait()}: PostgreSQL 2147483647 ms, about 24.9 days; MySQL/MariaDB 31536000 s,
     *     one year), before any statement runs
     */
    TableLock timeout(Duration timeout);

    /** The same lock, waiting without limit. */
    TableLock waitForever();

    /**
     * Locks the tables in the caller's transaction, waiting up to {@link #timeout()}.
     *
     * @param connection a connection with an open transaction ({@code autoCommit == false})
     * @throws LockUsageException outside a transaction, for an unknown table, or for a failed transaction
     * @throws LockTimeoutException if not granted in time; the transaction is still usable
     * @throws LockDeadlockException if the server chose this transaction as a deadlock victim
     */
    void acquire(Connection connection);

    /** Locks the tables if that is possible without waiting ({@code NOWAIT}); returns whether they were locked. */
    boolean tryAcquire(Connection connection);

    /**
     * Locks the tables, waiting up to {@code wait}; returns whether they were locked. The wait ends at its deadline to
     * the millisecond on PostgreSQL ({@code lock_timeout}) and MariaDB ({@code SET STATEMENT max_statement_time ...
     * FOR LOCK TABLES ... WAIT n}); on MySQL it is rounded up to whole seconds, at least 1 ({@code lock_wait_timeout}
     * takes nothing finer, and {@code max_execution_time} covers only {@code SELECT}). The same holds for {@link
     * #timeout(Duration)}, {@link #tryInTransaction} and {@link #inTransaction}.
     */
    boolean tryAcquire(Connection connection, Duration wait);

    /**
     * Ends table locks taken with {@link #acquire} after the caller's transaction has committed or rolled back. On
     * MySQL and MariaDB this runs {@code UNLOCK TABLES} (there, {@code COMMIT} does not release table locks, and a
     * pooled connection would otherwise keep them); on PostgreSQL it does nothing, since the locks ended with the
     * transaction. {@link #inTransaction} does this itself. Call it before closing the connection: a pooled connection
     * closed first goes back to the pool with its MySQL table locks.
     *
     * <p>On MySQL and MariaDB {@code UNLOCK TABLES} commits an open transaction, so dblock first reads {@code
     * SELECT @@in_transaction} (one more round trip) and refuses while it is set: commit or roll back first. The usual
     * shape is {@code try { work; c.commit(); } catch (...) { c.rollback(); throw ...; } finally { lock.release(c); }}.
     *
     * @throws LockUsageException if the connection is closed already (on every engine, so the mistake shows on
     *     PostgreSQL too), or on MySQL/MariaDB if its transaction is still open; nothing is changed then
     */
    void release(Connection connection);

    /**
     * Opens a transaction on a connection from the {@code DataSource}, locks the tables (waiting up to {@link
     * #timeout()}), runs {@code work}, and commits; rolls back if anything throws. The locks end with the transaction.
     *
     * @throws LockTimeoutException if not granted in time; {@code work} did not run
     */
    <R, X extends Exception> R inTransaction(TransactionCallback<R, X> work) throws X;

    /**
     * Like {@link #inTransaction} but waiting only up to {@code wait}; returns empty (and skips the work) if the tables
     * could not be locked in time.
     */
    <R, X extends Exception> Optional<R> tryInTransaction(Duration wait, TransactionCallback<R, X> work) throws X;

    /**
     * Returns a copy of this lock whose waits push blockers aside per {@code priority}: while waiting, dblock
     * cancels or terminates the sessions blocking this request (see {@link Priority} for how, and the privileges
     * needed). Costs one extra round trip before a wait; requests that do not wait are unaffected.
     *
     * @param priority for example {@code Priority.terminateBlockers().after(Duration.ofSeconds(5))}
     * @return a new, immutable lock
     */
    TableLock prioritised(Priority priority);
}
