package io.dblock.testing;

@DatabaseTest(engine = Engine.MARIADB_10_11)
class MariaDb1011UserLocksTest extends UserLocksContract {}
