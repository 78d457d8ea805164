package io.dblock.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the lock types. */
final class Durations {

    private Durations() {}

    /** Rejects null and negative waits with a message naming the lock. */
    static Duration checkWait(Duration wait, String lock) {
        Objects.requireNonNull(wait, () -> "wait duration must not be null (lock " + lock + ")");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait duration must not be negative: " + wait + " (lock " + lock
                    + "); use Duration.ZERO not to wait");
        }
        return wait;
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
