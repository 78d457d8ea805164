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

    /** An open watch; closing it guarantees no cancel will be issued for the statement afterwards. */
    @FunctionalInterface
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
