package io.dblock.support;

import io.dblock.testing.TestDatabase;
import javax.sql.DataSource;

/** What a contract test asks the server, phrased the same for every engine. */
public interface Probe {

    /** Connections waiting on the server for an advisory/named lock. */
    int waitingForNamedLock();

    /** Connections waiting on the server for a table lock. */
    int waitingForTable();

    /** The server's id of a session waiting for an advisory/named lock; -1 if none is. */
    long namedLockWaiter();

    /** Ends another connection's session from outside (pg_terminate_backend / KILL). */
    void terminate(long connectionId);

    /** True while the connection's session exists. */
    boolean alive(long connectionId);

    static Probe of(TestDatabase db) {
        DataSource ds = db.dataSource();
        Server server = new Server(ds);
        if (db.engine().equals("PostgreSQL")) {
            return new Probe() {
                public int waitingForNamedLock() {
                    return server.waiting("advisory");
                }

                public int waitingForTable() {
                    return server.waiting("relation");
                }

                public long namedLockWaiter() {
                    return Long.parseLong(server.queryString("SELECT coalesce(min(pid), -1)::text FROM pg_locks"
                            + " WHERE locktype = 'advisory' AND NOT granted"));
                }

                public void terminate(long id) {
                    server.execute("SELECT pg_terminate_backend(" + id + ")");
                }

                public boolean alive(long id) {
                    return server.queryInt("SELECT count(*) FROM pg_stat_activity WHERE pid = " + id) > 0;
                }
            };
        }
        return new Probe() {
            public int waitingForNamedLock() {
                return server.queryInt("SELECT count(*) FROM information_schema.PROCESSLIST WHERE STATE = 'User lock'");
            }

            public int waitingForTable() {
                return server.queryInt("SELECT count(*) FROM information_schema.PROCESSLIST"
                        + " WHERE STATE LIKE 'Waiting for table%lock'");
            }

            public long namedLockWaiter() {
                return Long.parseLong(server.queryString("SELECT CAST(coalesce(min(ID), -1) AS CHAR)"
                        + " FROM information_schema.PROCESSLIST WHERE STATE = 'User lock'"));
            }

            public void terminate(long id) {
                server.execute("KILL " + id);
            }

            public boolean alive(long id) {
                return server.queryInt("SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID = " + id) > 0;
            }
        };
    }
}
