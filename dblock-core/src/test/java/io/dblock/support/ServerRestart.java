package io.dblock.support;

import io.dblock.testing.EmbeddedMariaDb;
import io.dblock.testing.EmbeddedPostgres;
import io.dblock.testing.TestDatabase;

/** Restarts a test server in place (same port, same data): the embedded ones only; external servers are not ours. */
public final class ServerRestart {

    private ServerRestart() {}

    /** True if {@link #restart(TestDatabase)} can restart {@code db}. */
    public static boolean supported(TestDatabase db) {
        return db instanceof EmbeddedPostgres || db instanceof EmbeddedMariaDb;
    }

    /** Stops the server and starts it again, returning once it accepts connections; every session ends. */
    public static void restart(TestDatabase db) {
        if (db instanceof EmbeddedPostgres postgres) {
            postgres.restart();
        } else if (db instanceof EmbeddedMariaDb mariadb) {
            mariadb.restart();
        } else {
            throw new UnsupportedOperationException("cannot restart " + db);
        }
    }
}
