package io.dblock.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds or a deadline passes: the way tests wait for another thread or session to reach a
 * state (for example, a waiter showing up in {@code pg_locks}) instead of sleeping for a guessed time.
 *
 * <p>The condition is checked immediately and then about every 10 ms on the calling thread. All methods are static and
 * thread-safe.
 */
public final class Await {

    private static final long POLL_MILLIS = 10;

    private Await() {}

    /**
     * Waits until {@code condition} returns {@code true}.
     *
     * @param timeout how long to keep polling
     * @param description what is awaited, for the failure message
     * @param condition the condition; must not throw
     * @throws AssertionError {@code "Timed out after <timeout>: <description>"} if the condition stays false, or if the
     *     thread is interrupted (the interrupt flag is kept)
     */
    public static void until(Duration timeout, String description, BooleanSupplier condition) {
        Objects.requireNonNull(condition, "condition");
        try {
            untilChecked(timeout, description, condition::getAsBoolean);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unreachable: BooleanSupplier threw a checked exception", e);
        }
    }

    /**
     * Waits until {@code condition} returns {@code true}, for conditions that may throw, such as JDBC queries.
     *
     * <p>Named differently from {@link #until} because a lambda like {@code () -> rs.next()} would otherwise resolve
     * to the {@code BooleanSupplier} overload and fail to compile on the checked exception.
     *
     * @param timeout how long to keep polling
     * @param description what is awaited, for the failure message
     * @param condition the condition; {@code null} counts as {@code false}
     * @throws Exception whatever the condition throws, immediately and unwrapped
     * @throws AssertionError {@code "Timed out after <timeout>: <description>"} if the condition stays false, or if the
     *     thread is interrupted (the interrupt flag is kept)
     */
    public static void untilChecked(Duration timeout, String description, Callable<Boolean> condition)
            throws Exception {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(condition, "condition");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(condition.call())) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Timed out after " + format(timeout) + ": " + description);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting: " + description, e);
            }
        }
    }

    private static String format(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
