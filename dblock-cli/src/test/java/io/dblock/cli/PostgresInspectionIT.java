package io.dblock.cli;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import java.sql.SQLException;

/** The inspection commands of the jar against the embedded PostgreSQL. */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresInspectionIT extends InspectionCommandsContract {

    /** The embedded server trusts connections from 127.0.0.1 and ignores passwords. */
    @Override
    boolean checksPasswords() {
        return false;
    }

    /** Any role may read pg_locks; without pg_signal_backend it may signal only its own sessions. */
    @Override
    void createUser(String user, String password, boolean canInspect) throws SQLException {
        execute(
                "DO $$ BEGIN CREATE ROLE " + user + " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "ALTER ROLE " + user + " PASSWORD '" + password + "'");
    }
    /** The autovacuum launcher: a server process, not a client session. */
    @Override
    long serverProcess() {
        return queryLong("SELECT pid FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher'");
    }

    @Override
    boolean serverProcessAlive(long id) {
        return queryLong("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher' AND pid = "
                        + id)
                == 1;
    }
}
