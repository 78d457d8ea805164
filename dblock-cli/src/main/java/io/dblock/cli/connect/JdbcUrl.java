package io.dblock.cli.connect;

import java.util.Locale;
import java.util.Optional;

/** The JDBC URLs the tool accepts, and the one change it makes to them. */
public final class JdbcUrl {

    /** What a URL must start with; each names the driver that is in the jar for it. */
    static final String POSTGRESQL = "jdbc:postgresql:";

    static final String MARIADB = "jdbc:mariadb:";
    static final String MYSQL = "jdbc:mysql:";

    /** Words for error messages. */
    public static final String ACCEPTED = POSTGRESQL + ", " + MARIADB + " or " + MYSQL;

    private static final String PERMIT_MYSQL_SCHEME = "permitMysqlScheme";

    private JdbcUrl() {}

    /**
     * Checks a URL and prepares it for the driver in the jar.
     *
     * <p>{@code jdbc:mysql:} URLs go to MariaDB Connector/J, the tool's only MySQL-family driver, which takes them only
     * with the option {@code permitMysqlScheme}; it is added unless present. Other URLs are returned unchanged.
     *
     * @param url the URL as the user gave it
     * @return the URL for {@link java.sql.DriverManager}, or empty if it is not one of {@link #ACCEPTED}
     */
    public static Optional<String> forDriver(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith(POSTGRESQL) || lower.startsWith(MARIADB)) {
            return Optional.of(url);
        }
        if (!lower.startsWith(MYSQL)) {
            return Optional.empty();
        }
        if (hasOption(url, PERMIT_MYSQL_SCHEME)) {
            return Optional.of(url);
        }
        return Optional.of(url + (url.indexOf('?') < 0 ? '?' : '&') + PERMIT_MYSQL_SCHEME);
    }

    /** True for {@code jdbc:postgresql:} URLs. */
    static boolean isPostgres(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith(POSTGRESQL);
    }

    private static boolean hasOption(String url, String option) {
        int query = url.indexOf('?');
        if (query < 0) {
            return false;
        }
        for (String pair : url.substring(query + 1).split("&")) {
            if (pair.split("=", 2)[0].equalsIgnoreCase(option)) {
                return true;
            }
        }
        return false;
    }
}
