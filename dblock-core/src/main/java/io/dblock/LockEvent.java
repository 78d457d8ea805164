package io.dblock;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One lock operation, as {@link LockListener} hears it.
 *
 * @param lock what was locked, for people: {@code advisory "invoice:42"}, {@code tables public.orders SHARE} (table names unquoted)
 * @param kind which kind of lock
 * @param engine the engine's name, e.g. {@code "PostgreSQL"}
 * @param outcome how the request ended ({@link Outcome#ACQUIRED} for acquire and release events)
 * @param waited how long the request took, waiting included
 * @param failure the exception, when the outcome is a deadlock, an interruption or an error (a timeout has none)
 */
public record LockEvent(
        String lock, Kind kind, String engine, Outcome outcome, Duration waited, Optional<LockException> failure) {

    /** Which kind of lock an event is about. */
    public enum Kind {
        /** An advisory (named) lock held until released: {@code acquire()}, {@code withLock}... */
        SESSION_ADVISORY,
        /** An advisory lock ending with the caller's transaction: {@code acquireForTransaction}. */
        TRANSACTION_ADVISORY,
        /** A table lock. */
        TABLE
    }

    /** How a request ended. */
    public enum Outcome {
        /** Granted. */
        ACQUIRED,
        /** Not granted in time (a {@code try} form that did not get it, or a blocking form that timed out). */
        TIMEOUT,
        /** Chosen as a deadlock victim, by the server or by dblock's local detector. */
        DEADLOCK,
        /** The waiting thread was interrupted. */
        INTERRUPTED,
        /** Any other failure: connection, privilege, misuse. */
        ERROR
    }

    /** Checks that no component is null. */
    public LockEvent {
        Objects.requireNonNull(lock, "lock");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(waited, "waited");
        Objects.requireNonNull(failure, "failure");
    }

    /** The outcome a failure stands for. */
    public static Outcome outcomeOf(LockException failure) {
        if (failure instanceof LockTimeoutException) {
            return Outcome.TIMEOUT;
        }
        if (failure instanceof LockDeadlockException) {
            return Outcome.DEADLOCK;
        }
        if (failure instanceof LockInterruptedException) {
            return Outcome.INTERRUPTED;
        }
        return Outcome.ERROR;
    }
}
