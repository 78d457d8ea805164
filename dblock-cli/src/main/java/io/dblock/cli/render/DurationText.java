package io.dblock.cli.render;

import java.time.Duration;

/** Short, human-readable durations for the tables: {@code 850 ms}, {@code 3.4 s}, {@code 5m 03s}, {@code 2h 07m}. */
public final class DurationText {

    private DurationText() {}

    /**
     * Formats a duration, rounding down, at a precision that suits its size.
     *
     * @param duration a non-negative duration (a negative one is shown as 0 ms)
     * @return milliseconds below a second, tenths of seconds below a minute, then minutes and seconds, then hours and
     *     minutes
     */
    public static String format(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return millis / 1_000 + "." + millis % 1_000 / 100 + " s";
        }
        long seconds = millis / 1_000;
        if (seconds < 3_600) {
            return String.format("%dm %02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh %02dm", seconds / 3_600, seconds % 3_600 / 60);
    }
}
