package io.dblock.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link InspectionCommandsContract} needs of one engine, in that engine's SQL: its users and a server process
 * that is not a client session. In the statements about a user, {@code {user}} and {@code {password}} stand for the
 * user's name and password.
 *
 * @param checksPasswords whether the server checks passwords (the embedded PostgreSQL trusts local connections)
 * @param createUser creates (or resets) a user with a password and no privilege over other users' sessions
 * @param grantInspection lets the user read the server's lock tables, where that takes a grant
 * @param startServerProcess starts the server process, where there is none unless asked for
 * @param stopServerProcess stops what {@code startServerProcess} started
 * @param serverProcesses the ids of the server processes that are not client sessions
 */
record InspectedEngine(
        boolean checksPasswords,
        List<String> createUser,
        List<String> grantInspection,
        List<String> startServerProcess,
        List<String> stopServerProcess,
        String serverProcesses) {

    /**
     * Any role may read pg_locks; without pg_signal_backend it may signal only its own sessions. The autovacuum
     * launcher always runs.
     */
    static final InspectedEngine POSTGRES = new InspectedEngine(
            false,
            List.of(
                    "DO $$ BEGIN CREATE ROLE {user} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                    "ALTER ROLE {user} PASSWORD '{password}'"),
            List.of(),
            List.of(),
            List.of(),
            "SELECT pid FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher'");

    /**
     * Reading the locks takes SELECT on performance_schema. The event scheduler, turned on for the test, is a daemon
     * thread.
     */
    static final InspectedEngine MARIADB = new InspectedEngine(
            true,
            List.of(
                    "CREATE USER IF NOT EXISTS '{user}'@'%'",
                    "ALTER USER '{user}'@'%' IDENTIFIED BY '{password}'", "GRANT SELECT ON dblock.* TO '{user}'@'%'"),
            List.of("GRANT SELECT ON performance_schema.* TO '{user}'@'%'"),
            List.of("SET GLOBAL event_scheduler = ON"),
            List.of("SET GLOBAL event_scheduler = OFF"),
            "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Daemon'");

    /** The statements that create (or reset) {@code user}, and if {@code canInspect} let it read the lock tables. */
    String[] createUser(String user, String password, boolean canInspect) {
        List<String> statements = new ArrayList<>(createUser);
        if (canInspect) {
            statements.addAll(grantInspection);
        }
        return statements.stream()
                .map(sql -> sql.replace("{user}", user).replace("{password}", password))
                .toArray(String[]::new);
    }
}
