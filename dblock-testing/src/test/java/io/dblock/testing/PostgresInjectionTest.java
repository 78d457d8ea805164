package io.dblock.testing;

@PostgresTest
class PostgresInjectionTest extends InjectionContract {

    @Override
    Engine engine() {
        return Engine.POSTGRES;
    }
}
