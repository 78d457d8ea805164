package io.dblock.mysql;

import io.dblock.support.ConnectorJ;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.TestDatabase;
import javax.sql.DataSource;

/** MySQL-family behaviour on the external server of DBLOCK_TEST_MYSQL_URL (skipped when unset), through MySQL Connector/J. */
@DatabaseTest(engine = Engine.MYSQL_EXTERNAL)
class MySqlExternalConnectorJFamilyTest extends MySqlFamilyContract {

    @Override
    public DataSource dataSource(TestDatabase db) {
        return ConnectorJ.dataSource(db);
    }
}
