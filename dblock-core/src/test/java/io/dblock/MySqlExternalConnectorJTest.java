package io.dblock;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/**
 * The contracts of {@link ConnectorJContracts} on the external server of DBLOCK_TEST_MYSQL_URL (skipped when unset),
 * through MySQL Connector/J; {@link ContractBindingTest} checks them against the engine.
 */
@DatabaseTest(engine = Engine.MYSQL_EXTERNAL)
class MySqlExternalConnectorJTest extends ConnectorJContracts {}
