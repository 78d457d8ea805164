package io.dblock.postgres;

import io.dblock.LockUsageException;
import io.dblock.spi.AbstractSessionControl;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * {@code pg_cancel_backend} / {@code pg_terminate_backend} of a client session, in one statement that signals nothing
 * unless {@code pg_stat_activity} shows the pid as a {@code client backend} other than the inspecting session.
 *
 * <ol>
 *   <li>No such process: false.
 *   <li>The inspecting session itself, a server process that is not a client session (autovacuum launcher, background
 *       worker, WAL sender...), or a process whose {@code backend_type} the server hides from this role (another
 *       role's process without {@code pg_read_all_stats}): {@link LockUsageException}, nothing signalled.
 *   <li>Else the function's answer.
 * </ol>
 */
final class PostgresSessionControl extends AbstractSessionControl {

    @Override
    protected boolean signal(Connection connection, long pid, boolean terminate) throws SQLException {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            return false; // not a PostgreSQL backend pid
        }
        String function = terminate ? "pg_terminate_backend" : "pg_cancel_backend";
        Object[] row = signalIfClient(connection, pid, function);
        if (!(Boolean) row[1]) {
            return false;
        }
        if (((Number) row[0]).longValue() == pid) {
            throw ownSession(pid, terminate);
        }
        refuseUnlessClient(pid, action(terminate), (String) row[2]);
        return (Boolean) row[3];
    }

    /**
     * The inspecting backend's pid, whether {@code pid} exists, its {@code backend_type}, and the answer of {@code
     * function} (NULL when not called: no such process, the inspecting session, or not a client backend).
     */
    private static Object[] signalIfClient(Connection connection, long pid, String function) throws SQLException {
        try {
            return new Batch()
                    .add(signalSql(function), pid)
                    .execute(connection, WaitGuard.NONE)
                    .get(0);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw usage(
                        function + "(" + pid + ") was refused: it needs superuser, membership in the role of the"
                                + " session's user, or the pg_signal_backend role (and only a superuser may signal a"
                                + " superuser's session). Server said: " + e.getMessage(),
                        e);
            }
            throw e;
        }
    }

    private static String signalSql(String function) {
        return "SELECT pg_backend_pid(), a.pid IS NOT NULL, a.backend_type, CASE WHEN a.pid IS NULL"
                + " OR a.pid = pg_backend_pid() OR a.backend_type IS DISTINCT FROM 'client backend'"
                + " THEN NULL ELSE " + function + "(a.pid) END"
                + " FROM (SELECT ?::int4 AS pid) p LEFT JOIN pg_stat_activity a ON a.pid = p.pid";
    }

    /** Refuses (nothing was signalled) unless {@code backendType} is a client session's. */
    private static void refuseUnlessClient(long pid, String action, String backendType) {
        if (backendType == null) {
            throw usage(
                    "refusing to " + action + " process " + pid + ": the server does not show this role its"
                            + " backend_type, so dblock cannot tell that it is a client session. Signalling another"
                            + " role's session needs superuser, or pg_read_all_stats (to see it) and"
                            + " pg_signal_backend (to signal it); nothing was signalled",
                    null);
        }
        if (!"client backend".equals(backendType)) {
            throw usage(
                    "refusing to " + action + " process " + pid + ": it is a server process (backend_type '"
                            + backendType + "'), not a client session; nothing was signalled",
                    null);
        }
    }

    /** A usage error from PostgreSQL (no key involved), with the server's refusal as its cause if there was one. */
    private static LockUsageException usage(String message, SQLException cause) {
        return new LockUsageException(message, null, "PostgreSQL", null, cause);
    }
}
