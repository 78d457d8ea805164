package io.dblock.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@link Terminal} over {@link System#getenv}, {@link System#in} and {@link System#console()}. */
final class SystemTerminal implements Terminal {

    static final SystemTerminal INSTANCE = new SystemTerminal();

    /** The line width when {@code $COLUMNS} does not say. */
    static final int DEFAULT_WIDTH = 120;

    private BufferedReader in;
    private int width;

    private SystemTerminal() {}

    @Override
    public Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name));
    }

    @Override
    public synchronized Optional<String> readLine() {
        if (in == null) {
            in = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
        }
        try {
            return Optional.ofNullable(in.readLine());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read standard input", e);
        }
    }

    @Override
    public Optional<char[]> readPassword(String prompt) {
        Console console = System.console();
        return console == null ? Optional.empty() : Optional.ofNullable(console.readPassword("%s", prompt));
    }

    @Override
    public boolean interactive() {
        return System.console() != null;
    }

    @Override
    public synchronized int width() {
        if (width == 0) {
            width = positive(System.getenv("COLUMNS"))
                    .or(() -> interactive() ? positive(sttyColumns()) : Optional.empty())
                    .orElse(DEFAULT_WIDTH);
        }
        return width;
    }

    /** The number in {@code text} if it is a positive one of up to five digits. */
    static Optional<Integer> positive(String text) {
        if (text != null && text.strip().matches("\\d{1,5}")) {
            int n = Integer.parseInt(text.strip());
            if (n > 0) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /**
     * Asks {@code stty size} (Linux, macOS) for the terminal's columns: Java 17 has no API for it, and shells rarely
     * export {@code $COLUMNS}.
     *
     * @return the columns, or null if stty is missing, fails or takes longer than a second
     */
    private static String sttyColumns() {
        try {
            Process stty = new ProcessBuilder("stty", "size")
                    .redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!stty.waitFor(1, TimeUnit.SECONDS)) {
                stty.destroyForcibly();
                return null;
            }
            String[] rowsAndColumns = new String(stty.getInputStream().readAllBytes(), Charset.defaultCharset())
                    .strip()
                    .split("\\s+");
            return stty.exitValue() == 0 && rowsAndColumns.length == 2 ? rowsAndColumns[1] : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
