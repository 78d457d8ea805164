package io.dblock.testing;

@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114Test extends EmbeddedMariaDbContract {

    @Override
    String version() {
        return "11.4.5";
    }
}
