package io.dblock.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The {@code performance_schema} and process-list queries behind the MySQL/MariaDB leak check and session clean-up.
 *
 * <p>User-level locks live in one namespace per server, not per database, so the listing covers the whole server. The
 * leak check and {@link #terminateOtherSessions} touch only connections of the checker's own user, so that on a shared
 * external server they never kill other people's sessions.
 */
final class UserLockQueries {

    /** A user-level lock plus what its connection was doing, for leak reports. */
    record LockRow(HeldUserLock lock, String user, String command, String query) {}

    /** Unknown thread id: the connection ended between our listing and our KILL. */
    private static final int ER_NO_SUCH_THREAD = 1094;

    private static final String LOCKS = "SELECT t.PROCESSLIST_ID, m.OBJECT_NAME, m.LOCK_STATUS,"
            + " t.PROCESSLIST_USER, t.PROCESSLIST_COMMAND, t.PROCESSLIST_INFO"
            + " FROM performance_schema.metadata_locks m"
            + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
            + " WHERE m.OBJECT_TYPE = 'USER LEVEL LOCK' AND t.PROCESSLIST_ID <> CONNECTION_ID()";

    // USER() is the login user as the process list shows it; CURRENT_USER() would be the matched account, user@host.
    private static final String SAME_USER = " AND t.PROCESSLIST_USER = SUBSTRING_INDEX(USER(), '@', 1)";
    private static final String ORDER = " ORDER BY t.PROCESSLIST_ID, m.OBJECT_NAME";

    private static final String OTHER_SESSIONS = "SELECT ID FROM information_schema.PROCESSLIST"
            + " WHERE ID <> CONNECTION_ID() AND USER = SUBSTRING_INDEX(USER(), '@', 1)";

    private UserLockQueries() {}

    static List<HeldUserLock> locks(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            requireInstrumented(connection);
            return locks(connection, false).stream().map(LockRow::lock).toList();
        }
    }

    static List<LockRow> locks(Connection connection, boolean sameUserOnly) throws SQLException {
        List<LockRow> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(LOCKS + (sameUserOnly ? SAME_USER : "") + ORDER)) {
            while (rs.next()) {
                HeldUserLock lock = new HeldUserLock(rs.getLong(1), rs.getString(2), rs.getString(3));
                rows.add(new LockRow(lock, rs.getString(4), rs.getString(5), rs.getString(6)));
            }
        }
        return rows;
    }

    /**
     * Fails clearly if the server does not record metadata locks, instead of letting the leak check pass on an empty
     * table. MariaDB ships with performance_schema off and the MDL instrument disabled; MySQL 8 has both on.
     */
    static void requireInstrumented(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT @@performance_schema,"
                        + " (SELECT ENABLED FROM performance_schema.setup_instruments"
                        + " WHERE NAME = 'wait/lock/metadata/sql/mdl'),"
                        + " (SELECT ENABLED FROM performance_schema.setup_consumers"
                        + " WHERE NAME = 'global_instrumentation')")) {
            rs.next();
            if (!rs.getBoolean(1) || !"YES".equals(rs.getString(2)) || !"YES".equals(rs.getString(3))) {
                throw new IllegalStateException("The server does not record user-level locks in"
                        + " performance_schema.metadata_locks (performance_schema=" + rs.getString(1)
                        + ", instrument wait/lock/metadata/sql/mdl enabled=" + rs.getString(2)
                        + ", consumer global_instrumentation enabled=" + rs.getString(3) + "). Start it with"
                        + " --performance-schema=ON --performance-schema-instrument='wait/lock/metadata/sql/mdl=ON'.");
            }
        }
    }

    static void terminateOtherSessions(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            List<Long> ids = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(OTHER_SESSIONS)) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            kill(connection, ids);
        }
    }

    /** Kills the given connections and waits until they have left the process list, which releases their locks. */
    static void kill(Connection connection, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            for (long id : ids) {
                try {
                    statement.execute("KILL CONNECTION " + id);
                } catch (SQLException e) {
                    if (e.getErrorCode() != ER_NO_SUCH_THREAD) {
                        throw e;
                    }
                }
            }
            String remaining = "SELECT ID FROM information_schema.PROCESSLIST WHERE ID IN ("
                    + ids.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")";
            awaitEmpty(statement, remaining, "killed connections " + ids + " to exit");
        }
    }

    private static void awaitEmpty(Statement statement, String query, String description) throws SQLException {
        Duration timeout = AdvisoryLockQueries.TERMINATION_TIMEOUT;
        try {
            Await.untilChecked(timeout, description, () -> {
                try (ResultSet rs = statement.executeQuery(query)) {
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
