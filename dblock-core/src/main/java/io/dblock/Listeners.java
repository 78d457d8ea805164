package io.dblock;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The listeners of one DbLocks, called safely: a failing listener is logged and skipped. */
final class Listeners {

    private static final System.Logger LOG = System.getLogger(LockListener.class.getName());

    private final List<LockListener> listeners;
    private final String engine;

    Listeners(List<LockListener> listeners, String engine) {
        this.listeners = List.copyOf(listeners);
        this.engine = engine;
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    /** Runs {@code attempt}, reporting acquired / not acquired; returns its result or rethrows its exception. */
    <T> T attempt(
            String lock,
            LockEvent.Kind kind,
            long startNanos,
            Supplier<T> attempt,
            java.util.function.Predicate<T> granted) {
        if (listeners.isEmpty()) {
            return attempt.get();
        }
        T result;
        try {
            result = attempt.get();
        } catch (LockException e) {
            report(lock, kind, startNanos, false, Optional.of(e));
            throw e;
        }
        report(lock, kind, startNanos, granted.test(result), Optional.empty());
        return result;
    }

    /** {@link #attempt(String, LockEvent.Kind, long, Supplier, java.util.function.Predicate)} of a lock taken now. */
    boolean attempt(String lock, LockEvent.Kind kind, BooleanSupplier attempt) {
        return attempt(lock, kind, System.nanoTime(), attempt::getAsBoolean, granted -> granted);
    }

    /** Reports an attempt acquired, or not acquired with the failure's outcome (a timeout if there is none). */
    private void report(
            String lock, LockEvent.Kind kind, long startNanos, boolean acquired, Optional<LockException> failure) {
        LockEvent.Outcome outcome = failure.map(LockEvent::outcomeOf)
                .orElse(acquired ? LockEvent.Outcome.ACQUIRED : LockEvent.Outcome.TIMEOUT);
        LockEvent event = new LockEvent(lock, kind, engine, outcome, Durations.since(startNanos), failure);
        each(l -> {
            if (acquired) {
                l.acquired(event);
            } else {
                l.notAcquired(event);
            }
        });
    }

    void released(String lock, Duration waited, Duration held) {
        if (listeners.isEmpty()) {
            return;
        }
        LockEvent event = new LockEvent(
                lock, LockEvent.Kind.SESSION_ADVISORY, engine, LockEvent.Outcome.ACQUIRED, waited, Optional.empty());
        each(l -> l.released(event, held));
    }

    void graceWaited(String lock, Duration waited) {
        each(l -> l.graceWaited(lock, engine, waited));
    }

    void lost(String lock, Duration waited, Optional<LockException> failure) {
        if (listeners.isEmpty()) {
            return;
        }
        LockEvent event = new LockEvent(
                lock, LockEvent.Kind.SESSION_ADVISORY, engine, LockEvent.Outcome.ACQUIRED, waited, failure);
        each(l -> l.lost(event));
    }

    private void each(Consumer<LockListener> call) {
        for (LockListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "lock listener " + listener + " failed; ignored", e);
            }
        }
    }
}
