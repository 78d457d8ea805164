package io.dblock.testing;

@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDb114UserLocksTest extends UserLocksContract {}
