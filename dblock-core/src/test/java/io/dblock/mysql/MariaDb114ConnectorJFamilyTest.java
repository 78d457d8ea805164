package io.dblock.mysql;

import io.dblock.support.ConnectorJ;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import javax.sql.DataSource;

/** MySQL-family behaviour on MariaDB 11.4 (embedded), through MySQL Connector/J. */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114ConnectorJFamilyTest extends MySqlFamilyContract {

    @Override
    public DataSource dataSource(TestDatabase db) {
        return ConnectorJ.dataSource(db);
    }
}
