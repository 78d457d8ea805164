package io.dblock.spring.boot.jpa;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** {@link JpaEntityTableLockContract} on {@link Engine#MARIADB_10_11}. */
@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011JpaEntityTableLockTest extends JpaEntityTableLockContract {

    @Override
    Engine engine() {
        return Engine.MARIADB_10_11;
    }
}
