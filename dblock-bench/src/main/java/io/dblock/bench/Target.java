package io.dblock.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One database server the benchmarks run against, described by its JDBC coordinates so that JMH's forked JVMs can
 * reach the server the runner started (they receive it as system properties, see {@link #jvmArgs()}).
 *
 * @param engine {@code "postgres"} or {@code "mariadb"}, the key used in parameters and results
 * @param url the JDBC URL
 * @param user the user, never null
 * @param password the password, or an empty string
 * @param serverVersion the server's own version string, for the report
 */
public record Target(String engine, String url, String user, String password, String serverVersion) {

    /** The engine keys, in the order the report lists them. */
    public static final List<String> ENGINES = List.of("postgres", "mariadb");

    public Target {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(url, "url");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        serverVersion = serverVersion == null ? "" : serverVersion;
    }

    /** The server a forked JVM was told about with {@link #jvmArgs()}. */
    public static Target fromSystemProperties(String engine) {
        String prefix = "dblock.bench." + engine + ".";
        String url = System.getProperty(prefix + "url");
        if (url == null) {
            throw new IllegalStateException("no " + prefix + "url system property: run the benchmarks through"
                    + " io.dblock.bench.BenchMain, which starts the servers and passes them to JMH's forks");
        }
        return new Target(
                engine,
                url,
                System.getProperty(prefix + "user"),
                System.getProperty(prefix + "password"),
                System.getProperty(prefix + "version"));
    }

    /** {@code -D} options that let {@link #fromSystemProperties(String)} rebuild this target in another JVM. */
    public List<String> jvmArgs() {
        String prefix = "-Ddblock.bench." + engine + ".";
        List<String> args = new ArrayList<>();
        args.add(prefix + "url=" + url);
        args.add(prefix + "user=" + user);
        args.add(prefix + "password=" + password);
        args.add(prefix + "version=" + serverVersion.replace(' ', '_'));
        return args;
    }

    /** Makes the same target visible to this JVM's {@link #fromSystemProperties(String)} (in-process JMH runs). */
    public void publish() {
        String prefix = "dblock.bench." + engine + ".";
        System.setProperty(prefix + "url", url);
        System.setProperty(prefix + "user", user);
        System.setProperty(prefix + "password", password);
        System.setProperty(prefix + "version", serverVersion);
    }

    public boolean isPostgres() {
        return engine.equals("postgres");
    }

    /** "PostgreSQL 17.6" or "MariaDB 11.4.5". */
    public String displayName() {
        return isPostgres() ? "PostgreSQL " + serverVersion : "MariaDB " + serverVersion.replace("-MariaDB", "");
    }

    /** A non-pooling data source: every {@code getConnection()} opens a physical connection. */
    public DataSource driverDataSource() {
        if (isPostgres()) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(url);
            ds.setUser(user);
            ds.setPassword(password);
            return ds;
        }
        try {
            MariaDbDataSource ds = new MariaDbDataSource(url);
            ds.setUser(user);
            ds.setPassword(password);
            return ds;
        } catch (SQLException e) {
            throw new IllegalStateException("the MariaDB driver rejected " + url, e);
        }
    }

    /** A new physical connection. */
    public Connection connect() throws SQLException {
        return driverDataSource().getConnection();
    }

    /** A HikariCP pool of {@code size} connections over {@code physical}, as an application node would have. */
    public static HikariDataSource pool(DataSource physical, int size, String name) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(physical);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(60_000);
        return new HikariDataSource(config);
    }

    /** {@link #pool(DataSource, int, String)} over {@link #driverDataSource()}. */
    public HikariDataSource pool(int size, String name) {
        return pool(driverDataSource(), size, name);
    }
}
