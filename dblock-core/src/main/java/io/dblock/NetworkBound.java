package io.dblock;

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
