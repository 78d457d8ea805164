package io.dblock.spi;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The database-specific half of dblock: the SQL for each lock operation on one kind of server.
 *
 * <p>This interface is what every engine must do: session-scoped advisory (named) locks, and the questions dblock asks
 * about them. Everything else is a facet an engine has or not, each its own interface in this package, found through
 * {@link #facet(Class)}: {@link TableLocks}, {@link TransactionLocks}, {@link Fencing}, {@link Inspection}, {@link
 * Prioritising}, {@link SessionControl}, {@link LockTimeouts}, {@link LockNameListing}, {@link SessionLimits}. When a
 * facet is missing, dblock (not the engine) throws {@link io.dblock.UnsupportedLockException}, saying what to use
 * instead ({@link SessionLimits} only turns the keepalive off).
 *
 * <p>dblock's core does everything else (re-entrancy, local queueing, pinning connections, interrupts, exceptions).
 * Engines are stateless and thread-safe; every method works on the connection it is given and must leave it in the
 * state it found it (no lock held after a failure, settings restored, the caller's transaction usable).
 *
 * <p>Keys and table requests arrive validated, without duplicates and in canonical order.
 */
public interface LockEngine {

    /** Display name, e.g. {@code "PostgreSQL"}. */
    String name();

    /** The server's version as reported by the driver. */
    String serverVersion();

    /**
     * The longest lock wait this engine can set on the server. dblock refuses longer waits with an {@link
     * IllegalArgumentException} before running any statement (it never shortens a wait silently); {@code
     * waitForever()} is the way to wait without limit. Default: {@code Duration.ofNanos(Long.MAX_VALUE)}, about 292
     * years.
     */
    default Duration longestWait() {
        return Duration.ofNanos(Long.MAX_VALUE);
    }

    /**
     * The advisory lock modes this engine has, in both scopes. Default: all. MySQL/MariaDB: {@link
     * AdvisoryLockMode#EXCLUSIVE} only ({@code GET_LOCK} is always exclusive).
     */
    default Set<AdvisoryLockMode> modes() {
        return EnumSet.allOf(AdvisoryLockMode.class);
    }

    /**
     * Acquires session-scoped locks on all {@code keys}, all or nothing.
     *
     * @return the connection's server id if every key was granted; empty if not granted within {@code wait} (nothing
     *     held then) and the server gave no error for it (MySQL's {@code GET_LOCK} answering 0)
     * @throws SQLException on any other failure, after releasing whatever this call acquired; also when the server
     *     reported the timeout as an error ({@link #classify} {@code TIMEOUT}, PostgreSQL's {@code 55P03}), which the
     *     core reads as "not granted" and keeps as the cause of its {@code LockTimeoutException}
     */
    OptionalLong acquireSession(
            Connection connection, List<LockKey> keys, AdvisoryLockMode mode, Wait wait, WaitGuard guard)
            throws SQLException;

    /**
     * Releases one session-level hold of each key in one statement, and reports which keys the server says were not
     * held (lost) and, if the engine can tell in the same statement, which server session ran it: so that dblock can
     * tell a lock that was lost from a connection that is not one session (a pooler such as PgBouncer in transaction
     * mode between dblock and the server).
     */
    Release releaseSession(Connection connection, List<LockKey> keys, AdvisoryLockMode mode) throws SQLException;

    /**
     * What a release found.
     *
     * @param notHeld the keys the server says were not held
     * @param ranOn the server id of the session that ran the release, if the engine reports it
     */
    record Release(List<LockKey> notHeld, OptionalLong ranOn) {

        /** A release that found every key held, from an engine that does not report the session. */
        public static final Release ALL_HELD = new Release(List.of(), OptionalLong.empty());

        /** Copies the list. */
        public Release {
            notHeld = List.copyOf(notHeld);
        }
    }

    /** Releases every session-level lock of the connection (PostgreSQL {@code pg_advisory_unlock_all()}). */
    void releaseAllSession(Connection connection) throws SQLException;

    /** The server ids of the connections that hold any of {@code keys} in any mode, granted only. */
    Set<Long> holders(Connection connection, List<LockKey> keys) throws SQLException;

    /** The server's id for {@code connection}'s session (PostgreSQL backend pid, MySQL connection id). */
    long connectionId(Connection connection) throws SQLException;

    /** What {@code e} means. */
    Failure classify(SQLException e);

    /**
     * This engine's implementation of an optional facet, if it has one. The default finds the facets the engine class
     * implements itself; an engine built from parts returns the part.
     *
     * @param facet one of the facet interfaces of this package
     * @return the implementation, or empty if the engine lacks the facet
     */
    default <T> Optional<T> facet(Class<T> facet) {
        return facet.isInstance(this) ? Optional.of(facet.cast(this)) : Optional.empty();
    }
}
