package io.dblock.spring.boot.jpa;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;

/** {@link JpaEntityTableLockContract} on {@link Engine#POSTGRES}. */
@DatabaseTest(engine = Engine.POSTGRES)
class PostgresJpaEntityTableLockTest extends JpaEntityTableLockContract {

    @Override
    Engine engine() {
        return Engine.POSTGRES;
    }
}
