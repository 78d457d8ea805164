package io.dblock;

import io.dblock.spi.LockEngine;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/** Argument checks shared by the lock types. */
final class Durations {

    static final String UNLIMITED = "use waitForever() to wait without limit";

    private Durations() {}

    /**
     * Rejects null, negative and too long waits (longer than {@link LockEngine#longestWait()}) with a message naming
     * the lock; never shortens a wait.
     *
     * @param what what the duration is, e.g. {@code "wait duration"}
     * @param lock the lock's description; null for a default of every lock
     * @param hint what to do instead of a too long wait
     */
    static Duration checkWait(Duration wait, String what, String lock, LockEngine engine, String hint) {
        String which = lock == null ? "for every lock of this DbLocks" : "lock " + lock;
        Objects.requireNonNull(wait, () -> what + " must not be null (" + which + ")");
        if (wait.isNegative()) {
            throw new IllegalArgumentException(
                    what + " must not be negative: " + wait + " (" + which + "); use Duration.ZERO not to wait");
        }
        Duration longest = engine.longestWait();
        if (wait.compareTo(longest) > 0) {
            throw new IllegalArgumentException(what + " " + wait + " is longer than " + engine.name() + " can wait: at"
                    + " most " + describe(longest) + " (" + which + "); " + hint);
        }
        return wait;
    }

    static Duration checkWait(Duration wait, String lock, LockEngine engine) {
        return checkWait(wait, "wait duration", lock, engine, UNLIMITED);
    }

    /** {@code "2147483647 ms (about 24.9 days)"}, {@code "31536000 s (365.0 days)"}. */
    static String describe(Duration d) {
        String days = String.format(Locale.ROOT, "%.1f days", d.getSeconds() / 86_400.0);
        if (d.getNano() == 0) {
            return d.getSeconds() + " s (" + (d.getSeconds() % 86_400 == 0 ? "" : "about ") + days + ")";
        }
        if (d.getNano() % 1_000_000 == 0 && d.getSeconds() < Long.MAX_VALUE / 1000) {
            return d.toMillis() + " ms (about " + days + ")";
        }
        return d + " (about " + days + ")";
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
