package io.dblock.support;

import com.mysql.cj.jdbc.MysqlDataSource;
import io.dblock.testing.TestDatabase;
import javax.sql.DataSource;

/** Data sources of MySQL Connector/J for a MySQL-family test server (whose own data source uses the MariaDB driver). */
public final class ConnectorJ {

    private ConnectorJ() {}

    /**
     * A contract bound through Connector/J: {@code class AdvisoryLocks extends AdvisoryLockContract implements
     * ConnectorJ.Driver {}} (the interface's {@code dataSource} is more specific than {@link DriverUnderTest}'s).
     */
    public interface Driver extends DriverUnderTest {
        @Override
        default DataSource dataSource(TestDatabase db) {
            return ConnectorJ.dataSource(db);
        }
    }

    /** A new non-pooling Connector/J data source for the server and database of {@code db}. */
    public static DataSource dataSource(TestDatabase db) {
        MysqlDataSource dataSource = new MysqlDataSource();
        dataSource.setURL(url(db));
        dataSource.setUser(db.user());
        dataSource.setPassword(db.password());
        return dataSource;
    }

    /** The Connector/J URL ({@code jdbc:mysql:}) for the server and database of {@code db}. */
    public static String url(TestDatabase db) {
        String url = db.jdbcUrl()
                .replaceFirst("^jdbc:mariadb:", "jdbc:mysql:")
                .replaceAll("[?&]permitMysqlScheme(=[^&]*)?", "");
        if (!url.startsWith("jdbc:mysql:")) {
            throw new IllegalArgumentException("Not a MySQL-family URL: " + url);
        }
        return url + (url.contains("?") ? "&" : "?") + "sslMode=DISABLED&allowPublicKeyRetrieval=true";
    }
}
