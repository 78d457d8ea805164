package io.dblock.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a log that a server or one of its tools wrote, for the messages of failures. */
final class ServerLog {

    private static final int TAIL_LINES = 40;

    private ServerLog() {}

    /** The last lines of {@code log}; empty if there is no such file. */
    static String tail(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return "";
        }
        String[] lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n");
        int from = Math.max(0, lines.length - TAIL_LINES);
        return String.join("\n", List.of(lines).subList(from, lines.length));
    }

    /** {@link #tail(Path)} as the end of an error message, or a note that the log is empty. */
    static String tailForMessage(Path log) throws IOException {
        String tail = tail(log);
        return tail.isEmpty() ? " (" + log + " is empty)" : "\n--- last lines of " + log + " ---\n" + tail;
    }
}
