package io.dblock;

import io.dblock.spi.Wait;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;

/**
 * Bounds one JDBC call dblock makes on its own behalf with the driver's network timeout ({@link
 * Connection#setNetworkTimeout}), so that a call on a dead network (a silent partition: no reset, no answer) fails
 * within the bound instead of waiting for the operating system's TCP timeout, minutes to hours. The connection's
 * previous timeout is put back after the call, so a connection goes back to its pool as it came; a call that hit the
 * bound leaves the connection broken (the driver closes it), and it is not put back.
 */
final class NetworkBound {

    /** Runs the driver's timeout change on the calling thread (the drivers need an executor; none needs another). */
    private static final Executor SAME_THREAD = Runnable::run;

    private static final System.Logger LOG = SessionLocks.LOG;

    /**
     * The margin over a call's own length: a statement that waits nothing ends within this, one that waits on the
     * server within its wait plus this.
     */
    static final long MARGIN_MILLIS = 5_000;

    /**
     * The longest server wait sent as one statement: a longer wait (or one without limit) is sent as waits of this
     * length one after another, so that even a wait without limit meets a dead network within this plus {@link
     * #MARGIN_MILLIS}.
     */
    static final Wait WAIT_SLICE = Wait.upTo(java.time.Duration.ofSeconds(15));

    private NetworkBound() {}

    /** A JDBC step with a result. */
    @FunctionalInterface
    interface Call<R> {
        R run() throws SQLException;
    }

    /**
     * Runs {@code call} with {@code connection}'s network timeout set to {@code millis} (at least 1).
     *
     * @throws SQLException what the call throws; a call still waiting after {@code millis} fails with the driver's
     *     connection error
     */
    static <R> R run(Connection connection, long millis, Call<R> call) throws SQLException {
        int previous = connection.getNetworkTimeout();
        connection.setNetworkTimeout(SAME_THREAD, (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis)));
        boolean ended = false;
        try {
            R result = call.run();
            ended = true;
            return result;
        } finally {
            restore(connection, previous, ended);
        }
    }

    /** The next piece of a wait: what is left, at most {@link #WAIT_SLICE}. */
    static Wait slice(Wait left) {
        if (left.isForever() || (!left.isNone() && left.limitOrNull().compareTo(WAIT_SLICE.limitOrNull()) > 0)) {
            return WAIT_SLICE;
        }
        return left;
    }

    /** The network bound of a statement that waits up to {@code wait} on the server (not {@link Wait#FOREVER}). */
    static long forWait(Wait wait) {
        return wait.isNone() ? MARGIN_MILLIS : wait.millisRoundedUp() + MARGIN_MILLIS;
    }

    /** Runs {@code call}, which waits for nothing on the server, bounded by {@link #MARGIN_MILLIS}. */
    static <R> R run(Connection connection, Call<R> call) throws SQLException {
        return run(connection, MARGIN_MILLIS, call);
    }

    private static void restore(Connection connection, int previous, boolean ended) {
        try {
            if (ended || !connection.isClosed()) {
                connection.setNetworkTimeout(SAME_THREAD, previous);
            }
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "could not put back a connection's network timeout", e);
        }
    }
}
