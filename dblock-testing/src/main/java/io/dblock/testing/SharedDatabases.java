package io.dblock.testing;

import java.util.Optional;

/** Chooses, once per JVM, between external servers from the environment and the embedded ones. */
final class SharedDatabases {

    private static ExternalPostgres external;
    private static ExternalMysql externalMysql;

    private SharedDatabases() {}

    static synchronized TestDatabase postgres() {
        String url = System.getenv(TestDatabase.POSTGRES_URL_ENV);
        if (url == null || url.isBlank()) {
            return EmbeddedPostgres.shared();
        }
        if (external == null) {
            external = new ExternalPostgres(
                    url.strip(),
                    System.getenv(TestDatabase.POSTGRES_USER_ENV),
                    System.getenv(TestDatabase.POSTGRES_PASSWORD_ENV));
        }
        return external;
    }

    static synchronized Optional<TestDatabase> externalMysql() {
        String url = System.getenv(TestDatabase.MYSQL_URL_ENV);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        if (externalMysql == null) {
            externalMysql = new ExternalMysql(
                    url.strip(),
                    System.getenv(TestDatabase.MYSQL_USER_ENV),
                    System.getenv(TestDatabase.MYSQL_PASSWORD_ENV));
        }
        return Optional.of(externalMysql);
    }
}
