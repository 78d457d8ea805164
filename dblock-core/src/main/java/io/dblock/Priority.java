package io.dblock;

import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Makes a lock request push its way through: while it waits on the server, dblock periodically asks the server which
 * sessions block it and cancels or terminates them, so the request gets the lock. Immutable; pass it to {@link
 * AdvisoryLock#prioritised(Priority)} or {@link TableLock#prioritised(Priority)}.
 *
 * <pre>{@code
 * // a migration that must not queue behind a forgotten transaction: end sessions idle in a transaction for 30 s+
 * locks.tables("orders")
 *         .prioritised(Priority.terminateBlockers()
 *                 .after(Duration.ofSeconds(2))
 *                 .onlyIf(Priority.idleInTransactionFor(Duration.ofSeconds(30))))
 *         .timeout(Duration.ofMinutes(1))
 *         .acquire(connection);
 * }</pre>
 *
 * <p>How it works: before waiting, dblock reads the waiting connection's id (one extra round trip); while the wait
 * runs, a shared daemon thread borrows one connection from the {@code DbLocks}' data source and, {@link #after(Duration)
 * grace} after the wait began and then every {@link #checkEvery(Duration) interval}, asks for the waiter's blockers
 * (PostgreSQL {@code pg_blocking_pids}; MySQL/MariaDB {@code performance_schema}, see {@link
 * io.dblock.inspect.LockInspector}), describes them, keeps those that {@link #onlyIf(Predicate)} accepts, and signals
 * them. Victims see the database's own error (PostgreSQL 57014 {@code canceling statement due to user request} / 57P01
 * on termination; MySQL/MariaDB 1317 / a lost connection). Each signal is logged at {@code INFO} on logger {@code
 * io.dblock.Priority}. The check stops as soon as the wait ends.
 *
 * <p>Cancel or terminate? Cancelling ends a blocker's running statement; that frees its locks only when the error ends
 * its transaction (table locks and transaction-scoped advisory locks of a client that then rolls back). A session that
 * holds a session-level advisory/named lock, or sits idle in a transaction, is not running anything: only termination
 * frees what it holds. The same privileges as {@link io.dblock.inspect.LockInspector#cancel(long)} apply; without
 * them the signal fails, is logged, and the request waits on as if not prioritised.
 *
 * <p>Applies to blocking forms that wait ({@code acquire()}, {@code tryAcquire(Duration)} with a positive wait,
 * {@code withLock}, {@code inTransaction}, ...); a request that does not wait has nobody to push aside.
 */
public final class Priority {

    private static final Predicate<SessionInfo> ANY = session -> true;

    private final boolean terminate;
    private final Duration grace;
    private final Duration interval;
    private final Predicate<SessionInfo> filter;

    private Priority(boolean terminate, Duration grace, Duration interval, Predicate<SessionInfo> filter) {
        this.terminate = terminate;
        this.grace = grace;
        this.interval = interval;
        this.filter = filter;
    }

    /** Cancels the blockers' running statements (see the class comment for when that frees a lock). */
    public static Priority cancelBlockers() {
        return new Priority(false, Duration.ZERO, Duration.ofSeconds(1), ANY);
    }

    /** Ends the blockers' sessions, which releases every lock they hold. */
    public static Priority terminateBlockers() {
        return new Priority(true, Duration.ZERO, Duration.ofSeconds(1), ANY);
    }

    /**
     * Waits this long before acting, giving blockers the chance to finish on their own.
     *
     * @param grace not negative; default {@code ZERO} (act at the first check)
     */
    public Priority after(Duration grace) {
        return new Priority(terminate, nonNegative(grace, "grace period"), interval, filter);
    }

    /**
     * How often to look for blockers once the grace period is over.
     *
     * @param interval at least 10 ms; default 1 s
     */
    public Priority checkEvery(Duration interval) {
        Objects.requireNonNull(interval, "interval must not be null");
        if (interval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("check interval must be at least 10 ms, got " + interval);
        }
        return new Priority(terminate, grace, interval, filter);
    }

    /**
     * Signals only blockers that {@code condition} accepts (combined with any earlier condition by AND). Others are
     * left alone, and the request waits for them as usual.
     *
     * @param condition over the blocker as the server describes it at the check; compares times with this JVM's clock
     */
    public Priority onlyIf(Predicate<SessionInfo> condition) {
        Objects.requireNonNull(condition, "condition must not be null");
        return new Priority(terminate, grace, interval, filter == ANY ? condition : filter.and(condition));
    }

    /** Blockers idle inside an open transaction for at least {@code duration}: the classic forgotten transaction. */
    public static Predicate<SessionInfo> idleInTransactionFor(Duration duration) {
        Duration min = nonNegative(duration, "idle duration");
        return session -> session.idleInTransaction()
                && session.inStateFor(Instant.now())
                        .filter(d -> d.compareTo(min) >= 0)
                        .isPresent();
    }

    /** Blockers running nothing (in a transaction or not) for at least {@code duration}. */
    public static Predicate<SessionInfo> idleFor(Duration duration) {
        Duration min = nonNegative(duration, "idle duration");
        return session -> (session.state() == SessionState.IDLE || session.idleInTransaction())
                && session.inStateFor(Instant.now())
                        .filter(d -> d.compareTo(min) >= 0)
                        .isPresent();
    }

    /** True to terminate, false to cancel. */
    public boolean terminates() {
        return terminate;
    }

    /** The grace period. */
    public Duration grace() {
        return grace;
    }

    /** The check interval. */
    public Duration interval() {
        return interval;
    }

    /** The condition a blocker must meet. */
    public Predicate<SessionInfo> filter() {
        return filter;
    }

    @Override
    public String toString() {
        return (terminate ? "terminate" : "cancel") + " blockers after " + grace + ", every " + interval
                + (filter == ANY ? "" : ", filtered");
    }

    private static Duration nonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what + " must not be null");
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative: " + d);
        }
        return d;
    }
}
