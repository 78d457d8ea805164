package io.dblock.spring.boot.jpa;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** {@link JpaEntityTableLockContract} on {@link Engine#MARIADB_11_4}. */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114JpaEntityTableLockTest extends JpaEntityTableLockContract {

    @Override
    Engine engine() {
        return Engine.MARIADB_11_4;
    }
}
