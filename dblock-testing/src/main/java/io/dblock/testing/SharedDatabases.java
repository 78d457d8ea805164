package io.dblock.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Chooses, once per JVM, between external servers from the environment and the embedded ones. */
final class SharedDatabases {

    /** The external servers made so far, by the environment variable of their URL. */
    private static final Map<String, TestDatabase> EXTERNAL = new HashMap<>();

    /** Makes the server of a URL, user and password (either may be {@code null}: the URL's own or the driver's). */
    private interface ExternalServer {
        TestDatabase create(String url, String user, String password);
    }

    private SharedDatabases() {}

    static TestDatabase postgres() {
        return external(TestDatabase.POSTGRES_URL_ENV, ExternalPostgres::new).orElseGet(EmbeddedPostgres::shared);
    }

    static Optional<TestDatabase> externalMysql() {
        return external(TestDatabase.MYSQL_URL_ENV, ExternalMysql::new);
    }

    static Optional<TestDatabase> external() {
        return external(TestDatabase.URL_ENV, ExternalJdbc::new);
    }

    /**
     * The server named by the environment variable {@code urlEnv} and its {@code _USER} and {@code _PASSWORD}
     * companions ({@code DBLOCK_TEST_MYSQL_URL}, {@code DBLOCK_TEST_MYSQL_USER}, ...), made on first use.
     *
     * @return the same instance on every call, or empty if {@code urlEnv} is unset or blank
     */
    private static synchronized Optional<TestDatabase> external(String urlEnv, ExternalServer server) {
        String url = System.getenv(urlEnv);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String prefix = urlEnv.substring(0, urlEnv.length() - "URL".length());
        return Optional.of(EXTERNAL.computeIfAbsent(
                urlEnv,
                env -> server.create(url.strip(), System.getenv(prefix + "USER"), System.getenv(prefix + "PASSWORD"))));
    }
}
