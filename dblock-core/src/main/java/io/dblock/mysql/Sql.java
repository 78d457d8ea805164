package io.dblock.mysql;

import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Runs one bound statement (MySQL drivers send one statement per execution unless allowMultiQueries is on). */
final class Sql {

    private Sql() {}

    /** The single row of a {@code SELECT}, each column as {@link ResultSet#getObject(int)}. */
    static Object[] row(Connection connection, String sql, List<?> params, WaitGuard guard) throws SQLException {
        List<Object[]> rows = rows(connection, sql, params, guard);
        return rows.get(0);
    }

    static List<Object[]> rows(Connection connection, String sql, List<?> params, WaitGuard guard) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            ResultSet rs;
            try (WaitGuard.Registration r = guard.watch(ps)) {
                rs = ps.executeQuery();
            }
            try (rs) {
                int columns = rs.getMetaData().getColumnCount();
                List<Object[]> rows = new ArrayList<>();
                while (rs.next()) {
                    Object[] row = new Object[columns];
                    for (int c = 0; c < columns; c++) {
                        row[c] = rs.getObject(c + 1);
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** Runs a statement that returns no rows. */
    static void execute(Connection connection, String sql, WaitGuard guard) throws SQLException {
        execute(connection, sql, List.of(), guard);
    }

    /** Runs a bound statement that returns no rows. */
    static void execute(Connection connection, String sql, List<?> params, WaitGuard guard) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (WaitGuard.Registration r = guard.watch(ps)) {
                ps.execute();
            }
        }
    }
}
