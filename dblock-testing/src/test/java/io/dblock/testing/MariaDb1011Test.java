package io.dblock.testing;

@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011Test extends EmbeddedMariaDbContract {

    @Override
    String version() {
        return "10.11.5";
    }
}
