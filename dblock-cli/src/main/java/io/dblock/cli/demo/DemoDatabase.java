package io.dblock.cli.demo;

import io.dblock.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL server the demo runs on: the embedded one of {@code dblock-testing}, or an external server.
 *
 * <p>{@link #dataSource(String)} tags every session with an {@code application_name}, which is how the demo finds a
 * given worker's session in {@code pg_stat_activity}. Closing stops the embedded server (deleting its data) and leaves
 * an external one alone.
 */
public final class DemoDatabase implements AutoCloseable {

    // A strong reference: java.util.logging forgets the level of a logger nobody references.
    private static final Logger TESTING_LOG = Logger.getLogger("io.dblock.testing");

    private final EmbeddedPostgres embedded;
    private final String url;
    private final String user;
    private final String password;
    private final String version;

    private DemoDatabase(EmbeddedPostgres embedded, String url, String user, String password) {
        this.embedded = embedded;
        this.url = url;
        this.user = user;
        this.password = password;
        this.version = embedded != null ? embedded.version() : queryVersion(dataSource("dblock-demo"));
    }

    /**
     * Starts (or reuses) this JVM's embedded PostgreSQL server; blocks for the start, typically a second or two.
     *
     * @return the database; close it to stop the server
     * @throws IllegalStateException if the server cannot be started
     */
    public static DemoDatabase embedded() {
        // The launcher logs its start at INFO; the demo prints its own, shorter line.
        TESTING_LOG.setLevel(Level.WARNING);
        return new DemoDatabase(EmbeddedPostgres.shared(), null, null, null);
    }

    /**
     * Connects to a server someone else runs.
     *
     * @param url its JDBC URL, e.g. {@code jdbc:postgresql://localhost:5432/app}
     * @param user the user, or null to use the URL's (or the driver's default)
     * @param password the password, or null to use the URL's
     * @return the database, checked to be reachable
     * @throws IllegalStateException if no connection can be opened
     */
    public static DemoDatabase external(String url, String user, String password) {
        return new DemoDatabase(null, Objects.requireNonNull(url, "url"), user, password);
    }

    /**
     * A non-pooling data source whose sessions carry {@code applicationName}, so {@code pg_stat_activity} tells them
     * apart.
     *
     * @param applicationName the {@code application_name} of its sessions
     * @return a new data source
     */
    public DataSource dataSource(String applicationName) {
        PGSimpleDataSource dataSource;
        if (embedded != null) {
            dataSource = embedded.dataSource();
        } else {
            dataSource = new PGSimpleDataSource();
            dataSource.setURL(url);
            if (user != null) {
                dataSource.setUser(user);
            }
            if (password != null) {
                dataSource.setPassword(password);
            }
        }
        dataSource.setApplicationName(applicationName);
        return dataSource;
    }

    /**
     * Describes the server in one line.
     *
     * @return e.g. {@code "embedded PostgreSQL 17.6 on 127.0.0.1:54321"}
     */
    public String description() {
        return embedded != null
                ? "embedded PostgreSQL " + version + " on 127.0.0.1:" + embedded.port()
                : "PostgreSQL " + version + " at " + url;
    }

    /** Stops the embedded server; does nothing for an external one. */
    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }

    private static String queryVersion(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to PostgreSQL: " + e.getMessage(), e);
        }
    }
}
