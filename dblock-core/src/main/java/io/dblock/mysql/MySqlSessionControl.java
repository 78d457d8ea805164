package io.dblock.mysql;

import io.dblock.LockUsageException;
import io.dblock.spi.AbstractSessionControl;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code KILL QUERY ?} / {@code KILL CONNECTION ?} of a client session, the id bound:
 *
 * <ol>
 *   <li>The inspecting session itself: {@link LockUsageException}.
 *   <li>A server thread that is not a client session ({@link #SERVER_THREAD}): {@link LockUsageException}, nothing
 *       killed. A caller without the {@code PROCESS} privilege sees only its own threads in {@code PROCESSLIST};
 *       killing any other thread then needs {@code CONNECTION ADMIN}/{@code SUPER}, which the server checks.
 *   <li>Else {@code KILL}: false if the server has no such thread.
 * </ol>
 */
final class MySqlSessionControl extends AbstractSessionControl {

    /**
     * Server threads that are not client sessions, as {@code information_schema.PROCESSLIST} shows them: the event
     * scheduler and other daemons ({@code COMMAND = 'Daemon'}), replication threads (user {@code 'system user'} on the
     * replica; {@code Binlog Dump} threads serving replicas on the primary). The id is bound.
     */
    private static final String SERVER_THREAD = "SELECT USER, COMMAND FROM information_schema.PROCESSLIST"
            + " WHERE ID = ? AND (USER IN ('system user', 'event_scheduler') OR COMMAND IN ('Daemon', 'Binlog Dump',"
            + " 'Binlog Dump GTID', 'Slave_IO', 'Slave_SQL', 'Slave_worker', 'Register Slave'))";

    private final String engine;
    private final boolean mariaDb;

    MySqlSessionControl(String engine, boolean mariaDb) {
        this.engine = engine;
        this.mariaDb = mariaDb;
    }

    /** The server's id for the connection's session. */
    static long connectionId(Connection connection) throws SQLException {
        return ((Number) Sql.row(connection, "SELECT CONNECTION_ID()", List.of(), WaitGuard.NONE)[0]).longValue();
    }

    @Override
    protected boolean signal(Connection connection, long id, boolean terminate) throws SQLException {
        if (id <= 0) {
            return false;
        }
        if (id == connectionId(connection)) {
            throw ownSession(id, terminate);
        }
        refuseServerThread(connection, id, action(terminate));
        return killStatement(connection, id, terminate ? "KILL CONNECTION ?" : "KILL QUERY ?");
    }

    private void refuseServerThread(Connection connection, long id, String action) throws SQLException {
        List<Object[]> server = Sql.rows(connection, SERVER_THREAD, List.of(id), WaitGuard.NONE);
        if (!server.isEmpty()) {
            throw new LockUsageException(
                    "refusing to " + action + " thread " + id + ": it is a server thread (user '" + server.get(0)[0]
                            + "', command '" + server.get(0)[1] + "'), not a client session; nothing was killed",
                    null,
                    engine,
                    null,
                    null);
        }
    }

    /** Runs {@code KILL ...}; false if the server has no such thread. */
    private boolean killStatement(Connection connection, long id, String statement) throws SQLException {
        try {
            Sql.execute(connection, statement, List.of(id), WaitGuard.NONE);
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1094) { // ER_NO_SUCH_THREAD
                return false;
            }
            if (e.getErrorCode() == 1095) { // ER_KILL_DENIED_ERROR
                throw killDenied(statement.replace("?", Long.toString(id)), e);
            }
            throw e;
        }
    }

    private LockUsageException killDenied(String statement, SQLException e) {
        return new LockUsageException(
                statement + " was refused: killing another user's session needs the "
                        + (mariaDb ? "CONNECTION ADMIN" : "CONNECTION_ADMIN") + " (or SUPER) privilege."
                        + " Server said: " + e.getMessage(),
                null,
                engine,
                null,
                e);
    }
}
