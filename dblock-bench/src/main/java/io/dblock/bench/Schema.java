package io.dblock.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables the benchmarks need: the peers' lock tables (ShedLock's {@code shedlock}, Spring Integration's {@code
 * INT_LOCK}, with the DDL their projects publish) and {@code bench_table}, the table the table-lock scenarios lock.
 */
final class Schema {

    static final String TABLE = "bench_table";

    // ShedLock's README, "Configure LockProvider / JdbcTemplate": one DDL per database.
    private static final String SHEDLOCK_POSTGRES = "CREATE TABLE IF NOT EXISTS shedlock(name VARCHAR(64) NOT NULL,"
            + " lock_until TIMESTAMP NOT NULL, locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL,"
            + " PRIMARY KEY (name))";
    private static final String SHEDLOCK_MYSQL = "CREATE TABLE IF NOT EXISTS shedlock(name VARCHAR(64) NOT NULL,"
            + " lock_until TIMESTAMP(3) NOT NULL, locked_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),"
            + " locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))";

    // spring-integration-jdbc 7.0.5, org/springframework/integration/jdbc/schema-postgresql.sql and schema-mysql.sql.
    private static final String INT_LOCK_POSTGRES = "CREATE TABLE IF NOT EXISTS INT_LOCK (LOCK_KEY CHAR(36) NOT NULL,"
            + " REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36), CREATED_DATE TIMESTAMP NOT NULL,"
            + " EXPIRED_AFTER TIMESTAMP NOT NULL, constraint INT_LOCK_PK primary key (LOCK_KEY, REGION))";
    private static final String INT_LOCK_MYSQL = "CREATE TABLE IF NOT EXISTS INT_LOCK (LOCK_KEY CHAR(36) NOT NULL,"
            + " REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36), CREATED_DATE DATETIME(6) NOT NULL,"
            + " EXPIRED_AFTER DATETIME(6) NOT NULL, constraint INT_LOCK_PK primary key (LOCK_KEY, REGION))"
            + " ENGINE=InnoDB";

    private Schema() {}

    /** Creates the tables if missing and empties the lock tables, so every run starts alike. */
    static void prepare(Target target) throws SQLException {
        boolean pg = target.isPostgres();
        List<String> ddl = List.of(
                pg ? SHEDLOCK_POSTGRES : SHEDLOCK_MYSQL,
                pg ? INT_LOCK_POSTGRES : INT_LOCK_MYSQL,
                "CREATE TABLE IF NOT EXISTS " + TABLE + " (id INT PRIMARY KEY)" + (pg ? "" : " ENGINE=InnoDB"),
                "DELETE FROM shedlock",
                "DELETE FROM INT_LOCK");
        try (Connection c = target.connect();
                Statement s = c.createStatement()) {
            for (String sql : ddl) {
                s.execute(sql);
            }
        }
    }
}
