package io.dblock.cli;

import io.dblock.LockFailedException;
import io.dblock.cli.render.DurationText;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Supplier;

/**
 * Prints a fresh snapshot every interval, for {@code --watch}, until the process is stopped (Ctrl-C) or the thread
 * interrupted.
 *
 * <p>A refresh that fails to reach the server ({@link LockFailedException}) is reported and the next one tried, so a
 * restarting server or a dropped connection does not end a long watch; any other failure ends it.
 */
final class Watch {

    /** How snapshots are told apart. */
    enum Mode {
        /** A terminal: clear the screen and print a header line before each snapshot. */
        CLEAR,
        /** A file or pipe: a separator line with the time before each snapshot. */
        SEPARATOR,
        /** JSON: nothing between snapshots, each is one line; failures go to standard error. */
        LINES
    }

    /** ANSI: cursor to the top left, then erase the screen. */
    static final String CLEAR_SCREEN = "\033[H\033[2J";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintWriter out;
    private final PrintWriter err;
    private final Mode mode;
    private final String title;
    private final Duration interval;

    Watch(PrintWriter out, PrintWriter err, Mode mode, String title, Duration interval) {
        this.out = out;
        this.err = err;
        this.mode = mode;
        this.title = title;
        this.interval = interval;
    }

    /**
     * Prints {@code count} snapshots (the command passes {@link Long#MAX_VALUE}: forever), sleeping the interval
     * between them.
     *
     * @throws InterruptedException if interrupted while sleeping
     */
    void run(Supplier<List<String>> snapshot, long count) throws InterruptedException {
        for (long i = 0; i < count; i++) {
            if (i > 0) {
                Thread.sleep(interval.toMillis(), (int) (interval.toNanos() % 1_000_000));
            }
            print(snapshot);
        }
    }

    private void print(Supplier<List<String>> snapshot) {
        List<String> lines;
        try {
            lines = snapshot.get();
        } catch (LockFailedException e) {
            String failure = "Refresh failed, trying again in " + DurationText.format(interval) + ": " + e.getMessage();
            if (mode == Mode.LINES) {
                err.println(failure);
                err.flush();
                return;
            }
            lines = List.of(failure);
        }
        String time = LocalTime.now().format(TIME);
        String every = title + ", every " + DurationText.format(interval);
        switch (mode) {
            case CLEAR -> {
                out.print(CLEAR_SCREEN);
                out.println(every + " (Ctrl-C to stop)  " + time);
                out.println();
            }
            case SEPARATOR -> out.println("--- " + time + "  " + every + " ---");
            case LINES -> {}
        }
        lines.forEach(out::println);
        out.flush();
    }
}
