package io.dblock.spi;

import java.sql.Statement;

/**
 * Lets dblock cancel a statement that is waiting for a lock when the waiting thread is interrupted.
 *
 * <p>Engines wrap every statement that may block in {@code try (var r = guard.watch(statement)) { ... }}. While the
 * registration is open, an interrupt of the calling thread leads to {@link Statement#cancel()} on the statement (from
 * another thread) within about 50 ms; the engine then sees the driver's cancellation error.
 */
@FunctionalInterface
public interface WaitGuard {

    /** A guard that never cancels, for callers that cannot be interrupted. */
    WaitGuard NONE = statement -> () -> {};

    /** Starts watching {@code statement} for the calling thread; close the result when the statement has returned. */
    Registration watch(Statement statement);

    /**
     * What an engine with {@link WaitLabels} writes in a comment in front of each statement that waits for a lock
     * ({@link #comment}), so that the deadlock detection of other nodes can read, in the server's view of running
     * statements, who is waiting and what it holds. Default: none.
     *
     * @return the label, of the characters {@code [A-Za-z0-9 .:,=+_-]} only, or null
     */
    default String label() {
        return null;
    }

    /**
     * The comment to put in front of a waiting statement: {@code "/* <label> * / "}, or {@code ""} without a label.
     *
     * @throws IllegalArgumentException if the label has a character outside {@code [A-Za-z0-9 .:,=+_-]}
     */
    static String comment(WaitGuard guard) {
        String label = guard.label();
        if (label == null) {
            return "";
        }
        if (!label.matches("[A-Za-z0-9 .:,=+_-]*")) {
            throw new IllegalArgumentException("a wait label may only have [A-Za-z0-9 .:,=+_-]: " + label);
        }
        return "/* " + label + " */ ";
    }

    /** An open watch; closing it guarantees no cancel will be issued for the statement afterwards. */
    @FunctionalInterface
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
