package io.dblock.cli.demo;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * Prints what the workers do, one line per event: {@code +  216 ms  bob    gave up: ...}.
 *
 * <p>Thread-safe. The time is taken inside the lock that serialises printing, so times never go backwards down the
 * page even though the workers run on their own threads.
 */
final class Timeline {

    private final PrintWriter out;
    private final int nameWidth;
    private final long startNanos = System.nanoTime();

    Timeline(PrintWriter out, int nameWidth) {
        this.out = out;
        this.nameWidth = nameWidth;
    }

    /** Prints one event of {@code worker}, stamped with the milliseconds since this timeline started. */
    synchronized void log(Worker worker, String event) {
        out.printf("+%5d ms  %-" + nameWidth + "s  %s%n", elapsedMillis(), worker.name(), event);
        // Flush per line: someone watching the terminal should see each wait begin while it is happening.
        out.flush();
    }

    /** Prints a line outside the timeline, such as a section heading. */
    synchronized void note(String text) {
        out.println(text);
        out.flush();
    }

    synchronized long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
