package io.dblock.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How {@code locks} and {@code waits} print: {@code --format}, {@code --watch} and {@code --width}.
 *
 * <p>{@code --watch} shows a new snapshot every so many seconds until Ctrl-C: on a terminal it clears the screen
 * first; otherwise each snapshot starts with a separator line, and in JSON each snapshot is simply one more line.
 */
public final class OutputOptions {

    /** The output formats. */
    enum Format {
        /** Aligned columns for people. */
        table,
        /** One JSON document per snapshot, on one line. */
        json
    }

    /** Refreshing more often would mostly load the server: each refresh opens a connection and reads its lock table. */
    private static final BigDecimal MIN_WATCH = new BigDecimal("0.1");

    private static final BigDecimal MAX_WATCH = BigDecimal.valueOf(86_400);

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(
            names = "--format",
            defaultValue = "table",
            paramLabel = "table|json",
            description = "table (default): aligned columns; json: one JSON document per line (per refresh).")
    private Format format;

    @Option(
            names = "--watch",
            paramLabel = "<seconds>",
            description = {
                "Refresh every this many seconds (0.1 to 86400, decimals allowed) until Ctrl-C. On a terminal the"
                        + " screen is cleared before each refresh; otherwise a separator line starts each one."
            })
    private BigDecimal watch;

    @Option(
            names = "--width",
            paramLabel = "<columns>",
            description =
                    "Cut table lines to this width (0: never cut). Default: $COLUMNS, else the terminal's width, else"
                            + " 120. Queries are cut first; JSON is never cut.")
    private Integer width;

    /**
     * Checks the options.
     *
     * @throws ParameterException for a usage error (exit code 2)
     */
    void validate() {
        if (watch != null && (watch.compareTo(MIN_WATCH) < 0 || watch.compareTo(MAX_WATCH) > 0)) {
            throw new ParameterException(
                    command.commandLine(),
                    "--watch must be from " + MIN_WATCH + " to " + MAX_WATCH + " seconds, got "
                            + watch.toPlainString());
        }
        if (width != null && width < 0) {
            throw new ParameterException(command.commandLine(), "--width must be 0 (no limit) or more, got " + width);
        }
    }

    boolean json() {
        return format == Format.json;
    }

    /** The line width for tables: {@code --width}, else the terminal's. */
    int width(Terminal terminal) {
        return width != null ? width : terminal.width();
    }

    /**
     * Prints one snapshot, or with {@code --watch} one every interval until the process is stopped.
     *
     * @param title what is shown, for the watch header, e.g. {@code "dblock locks"}
     * @param terminal tells whether the screen may be cleared
     * @param snapshot takes and renders one snapshot
     * @throws InterruptedException if the thread is interrupted between refreshes
     */
    void show(String title, Terminal terminal, Supplier<List<String>> snapshot) throws InterruptedException {
        PrintWriter out = command.commandLine().getOut();
        if (watch == null) {
            snapshot.get().forEach(out::println);
            out.flush();
            return;
        }
        Watch.Mode mode = json() ? Watch.Mode.LINES : terminal.interactive() ? Watch.Mode.CLEAR : Watch.Mode.SEPARATOR;
        Duration interval = Duration.ofNanos(watch.movePointRight(9).longValueExact());
        new Watch(out, command.commandLine().getErr(), mode, title, interval).run(snapshot, Long.MAX_VALUE);
    }
}
