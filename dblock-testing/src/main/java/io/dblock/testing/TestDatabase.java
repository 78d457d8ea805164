package io.dblock.testing;

import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * A database server that tests may use: the embedded PostgreSQL of this kit, or an external server named by environment
 * variables.
 *
 * <p>{@link #postgres()} picks the server once per JVM: if {@value #POSTGRES_URL_ENV} is set, that server is used
 * (with the optional {@value #POSTGRES_USER_ENV} and {@value #POSTGRES_PASSWORD_ENV}); otherwise {@link
 * EmbeddedPostgres#shared()} is started. Tests share the server and its database, so they should clean up the objects
 * and sessions they create.
 *
 * <p>Implementations are thread-safe.
 */
public interface TestDatabase {

    /** Environment variable with the JDBC URL of an external PostgreSQL server to use instead of the embedded one. */
    String POSTGRES_URL_ENV = "DBLOCK_TEST_POSTGRES_URL";

    /** Environment variable with the user for {@value #POSTGRES_URL_ENV}; if unset, the URL's own user is used. */
    String POSTGRES_USER_ENV = "DBLOCK_TEST_POSTGRES_USER";

    /** Environment variable with the password for {@value #POSTGRES_URL_ENV}; if unset, the URL's own is used. */
    String POSTGRES_PASSWORD_ENV = "DBLOCK_TEST_POSTGRES_PASSWORD";

    /**
     * Returns the PostgreSQL server of this JVM, starting the embedded one on first use unless {@value
     * #POSTGRES_URL_ENV} names an external server.
     *
     * @return the same instance on every call
     * @throws IllegalStateException if the embedded server cannot be started (also on later calls, without retrying)
     */
    static TestDatabase postgres() {
        return SharedDatabases.postgres();
    }

    /**
     * Returns the name of the database engine.
     *
     * @return {@code "PostgreSQL"} for the servers of this kit
     */
    String engine();

    /**
     * Returns a non-pooling data source for the test database: every {@code getConnection()} opens a new physical
     * connection, which the caller must close.
     *
     * @return a new data source on each call
     */
    DataSource dataSource();

    /**
     * Returns the JDBC URL of the test database.
     *
     * @return the URL, for example {@code jdbc:postgresql://127.0.0.1:54321/dblock}
     */
    String jdbcUrl();

    /**
     * Returns the user the data source connects as.
     *
     * @return the user name, or {@code null} if an external URL leaves it to the driver's default
     */
    String user();

    /**
     * Returns the password the data source connects with.
     *
     * @return the password, or {@code null} if none is configured
     */
    String password();

    /**
     * Returns the server's version as reported by {@code SHOW server_version}.
     *
     * @return for example {@code "17.6"}
     */
    String serverVersion();

    /**
     * Lists the advisory locks held or awaited in the test database by every session except the one this method
     * opens.
     *
     * @return the locks, ordered by pid and key; empty if none
     * @throws SQLException if the server cannot be queried
     */
    default List<HeldAdvisoryLock> advisoryLocks() throws SQLException {
        return AdvisoryLockQueries.locks(dataSource()).stream()
                .map(AdvisoryLockQueries.LockRow::lock)
                .toList();
    }

    /**
     * Terminates every other client session connected to the test database and waits until they are gone, which
     * releases all their locks.
     *
     * <p>Meant for cleaning up after a test; on a shared external server it also ends other people's sessions on the
     * same database.
     *
     * @throws SQLException if the server cannot be queried or the user may not terminate the sessions
     * @throws AssertionError if the sessions are still there after 10 seconds
     */
    default void terminateOtherSessions() throws SQLException {
        AdvisoryLockQueries.terminateOtherSessions(dataSource());
    }
}
