package io.dblock.mysql;

import io.dblock.spi.JdbcStatements;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Runs one bound statement (MySQL drivers send one statement per execution unless allowMultiQueries is on). */
final class Sql {

    private Sql() {}

    /** The single row of a {@code SELECT}, each column as {@link ResultSet#getObject(int)}. */
    static Object[] row(Connection connection, String sql, List<?> params, WaitGuard guard) throws SQLException {
        List<Object[]> rows = rows(connection, sql, params, guard);
        return rows.get(0);
    }

    /** The rows of a bound {@code SELECT}. */
    static List<Object[]> rows(Connection connection, String sql, List<?> params, WaitGuard guard) throws SQLException {
        try (PreparedStatement ps = JdbcStatements.prepare(connection, sql, params)) {
            return JdbcStatements.query(ps, guard);
        }
    }

    /** Runs a statement that returns no rows. */
    static void execute(Connection connection, String sql, WaitGuard guard) throws SQLException {
        execute(connection, sql, List.of(), guard);
    }

    /** Runs a bound statement that returns no rows. */
    static void execute(Connection connection, String sql, List<?> params, WaitGuard guard) throws SQLException {
        try (PreparedStatement ps = JdbcStatements.prepare(connection, sql, params)) {
            JdbcStatements.execute(ps, guard);
        }
    }
}
