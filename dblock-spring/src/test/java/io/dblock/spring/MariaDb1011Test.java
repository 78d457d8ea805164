package io.dblock.spring;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/**
 * The adapters' contracts and the lost-lock behaviour ({@link AdapterContracts}) on the embedded MariaDB 10.11 (the
 * previous LTS line, whose binaries the {@code mariadb-linux-amd64} profile adds), as on 11.4 in {@link MariaDb114Test}.
 */
@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011Test extends AdapterContracts {}
