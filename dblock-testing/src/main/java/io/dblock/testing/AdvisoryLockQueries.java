package io.dblock.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The {@code pg_locks} and {@code pg_stat_activity} queries behind the leak check and session clean-up. */
final class AdvisoryLockQueries {

    /** An advisory lock plus what its session was doing, for leak reports. */
    record LockRow(HeldAdvisoryLock lock, String applicationName, String query) {}

    static final Duration TERMINATION_TIMEOUT = Duration.ofSeconds(10);

    // pg_locks.database is null for no advisory lock, so filtering on it keeps other databases' tests out.
    private static final String LOCKS = "SELECT l.pid, l.classid, l.objid, l.objsubid, l.mode, l.granted,"
            + " a.application_name, a.query"
            + " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.locktype = 'advisory'"
            + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            + " AND l.pid IS DISTINCT FROM pg_backend_pid()"
            + " ORDER BY l.pid, l.classid, l.objid, l.objsubid";

    private static final String OTHER_SESSIONS = "SELECT pid FROM pg_stat_activity"
            + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'";

    private AdvisoryLockQueries() {}

    static List<LockRow> locks(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return locks(connection);
        }
    }

    static List<LockRow> locks(Connection connection) throws SQLException {
        List<LockRow> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(LOCKS)) {
            while (rs.next()) {
                HeldAdvisoryLock lock = new HeldAdvisoryLock(
                        rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getString(5), rs.getBoolean(6));
                rows.add(new LockRow(lock, rs.getString(7), rs.getString(8)));
            }
        }
        return rows;
    }

    static void terminateOtherSessions(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement
                        .executeQuery("SELECT pg_terminate_backend(pid) FROM (" + OTHER_SESSIONS + ") s")
                        .close();
            }
            try (PreparedStatement statement = connection.prepareStatement(OTHER_SESSIONS)) {
                awaitEmpty(statement, "other sessions of the test database to end");
            }
        }
    }

    /** Terminates the given backends and waits until they have exited, so their locks are released. */
    static void terminate(Connection connection, List<Integer> pids) throws SQLException {
        Integer[] array = pids.toArray(Integer[]::new);
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT pg_terminate_backend(pid) FROM unnest(?::int[]) AS t(pid)")) {
            statement.setArray(1, connection.createArrayOf("int4", array));
            statement.executeQuery().close();
        }
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT pid FROM pg_stat_activity WHERE pid = ANY (?::int[])")) {
            statement.setArray(1, connection.createArrayOf("int4", array));
            awaitEmpty(statement, "terminated sessions " + pids + " to exit");
        }
    }

    private static void awaitEmpty(PreparedStatement statement, String description) throws SQLException {
        try {
            Await.untilChecked(TERMINATION_TIMEOUT, description, () -> {
                try (ResultSet rs = statement.executeQuery()) {
                    return !rs.next();
                }
            });
        } catch (SQLException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
