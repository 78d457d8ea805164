package io.dblock.cli.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Asks the server what the workers are doing, on a session of its own.
 *
 * <p>This is how the demo knows that a worker has really started waiting for a lock (not merely that its thread has
 * been started), so the holder releases only then and the story plays out the same way on every run.
 */
final class ServerProbe implements AutoCloseable {

    private static final long POLL_MILLIS = 10;

    // A worker's session is found by its application_name (without the " [dblock ...]" a holder's session gets); any
    // lock it has asked for but not been granted counts.
    private static final String WAITING = "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE NOT l.granted AND split_part(a.application_name, ' [dblock ', 1) = ? LIMIT 1";

    private final Connection connection;

    ServerProbe(DemoDatabase database) throws SQLException {
        DataSource dataSource = database.dataSource("dblock-demo-probe");
        this.connection = dataSource.getConnection();
    }

    /**
     * Polls {@code pg_locks} every 10 ms until {@code worker}'s session waits for a lock.
     *
     * @return the waiting session's backend pid
     * @throws IllegalStateException if it does not show up within {@link Worker#STEP_LIMIT}
     */
    int awaitWaiting(Worker worker) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Worker.STEP_LIMIT.toNanos();
        try (PreparedStatement statement = connection.prepareStatement(WAITING)) {
            statement.setString(1, Worker.applicationName(worker.name()));
            while (true) {
                try (ResultSet rs = statement.executeQuery()) {
                    if (rs.next()) {
                        return rs.getInt(1);
                    }
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException(worker.name() + " did not show up waiting in pg_locks within "
                            + Worker.STEP_LIMIT.toSeconds() + " s");
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
