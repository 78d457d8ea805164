package io.dblock;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The root of dblock's exceptions: unchecked, with the state needed to understand a failure.
 *
 * <p>Every instance carries the lock it concerns ({@link #lock()}, e.g. {@code advisory "invoice:42"} or {@code tables
 * orders, order_items}), the engine, how long the caller waited, the SQLState of the driver's exception if there was
 * one, and that exception as the {@linkplain #getCause() cause}. The message repeats them, so a log line alone explains
 * what happened.
 */
public abstract class LockException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String lock;
    private final String engine;
    private final Duration waited;
    private final String sqlState;

    /**
     * @param message what went wrong, in one sentence
     * @param lock the lock concerned, as described to users, or null
     * @param engine the engine's name ("PostgreSQL"), or null if none was detected yet
     * @param waited how long the caller waited before this failure, or null if it did not wait
     * @param cause the driver's exception or another cause, or null
     */
    protected LockException(String message, String lock, String engine, Duration waited, Throwable cause) {
        super(compose(message, lock, engine, waited, sqlStateOf(cause)), cause);
        this.lock = lock;
        this.engine = engine;
        this.waited = waited;
        this.sqlState = sqlStateOf(cause);
    }

    private static String compose(String message, String lock, String engine, Duration waited, String sqlState) {
        StringBuilder details = new StringBuilder();
        append(details, lock == null ? null : "lock " + lock);
        append(details, engine);
        append(details, waited == null ? null : "waited " + waited.toMillis() + " ms");
        append(details, sqlState == null ? null : "SQLState " + sqlState);
        return details.length() == 0 ? message : message + " [" + details + "]";
    }

    private static void append(StringBuilder sb, String part) {
        if (part != null) {
            sb.append(sb.length() == 0 ? "" : ", ").append(part);
        }
    }

    private static String sqlStateOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null) {
                return e.getSQLState();
            }
        }
        return null;
    }

    /** The lock this failure concerns, as described in messages ({@code advisory "a", 42}, {@code tables orders}). */
    public Optional<String> lock() {
        return Optional.ofNullable(lock);
    }

    /** The engine's name, e.g. {@code "PostgreSQL"}. */
    public Optional<String> engine() {
        return Optional.ofNullable(engine);
    }

    /** How long the caller waited for the lock before this failure; empty if it did not wait. */
    public Optional<Duration> waited() {
        return Optional.ofNullable(waited);
    }

    /** The SQLState of the driver's exception in the cause chain, e.g. {@code "55P03"}. */
    public Optional<String> sqlState() {
        return Optional.ofNullable(sqlState);
    }
}
