package io.dblock.testing;

@DatabaseTest(engine = Engine.MYSQL_EXTERNAL)
class ExternalMysqlUserLocksTest extends UserLocksContract {}
