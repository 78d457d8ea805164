package io.dblock.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what dblock logs at WARNING (through {@code System.Logger}, which is java.util.logging here) while it is
 * open: a release that fell back to closing its connection, for example, is a result worth reporting.
 */
final class LibraryWarnings extends Handler implements AutoCloseable {

    private static final Logger DBLOCK = Logger.getLogger("io.dblock");

    /** Messages may list every key of a request; this keeps the gist. */
    private static final int MAX_LENGTH = 300;

    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LibraryWarnings() {}

    static LibraryWarnings capture() {
        LibraryWarnings warnings = new LibraryWarnings();
        warnings.setLevel(Level.WARNING);
        DBLOCK.addHandler(warnings);
        return warnings;
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            // the cause first: the message may start with a long list of keys
            Throwable cause = record.getThrown();
            String message = record.getMessage();
            String text = cause == null ? message : cause.getMessage() + " — while: " + message;
            messages.add(text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 3) + "...");
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        DBLOCK.removeHandler(this);
    }
}
