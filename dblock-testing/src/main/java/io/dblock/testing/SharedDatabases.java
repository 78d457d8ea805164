package io.dblock.testing;

/** Chooses, once per JVM, between an external server from the environment and the embedded one. */
final class SharedDatabases {

    private static ExternalPostgres external;

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
}
