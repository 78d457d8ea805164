package io.dblock.postgres;

import io.dblock.spi.JdbcStatements;
import io.dblock.spi.WaitGuard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Several SQL statements sent as one execution (one network round trip) with bound parameters.
 *
 * <p>pgjdbc sends a multi-statement prepared statement as one extended-protocol pipeline ending in a single Sync, so
 * outside an explicit transaction the statements share one implicit transaction: a {@code set_config(..., true)} in
 * the batch lasts until the batch ends and no longer.
 */
final class Batch {

    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    /** Appends one statement; {@code params} fill its {@code ?} placeholders in order. */
    Batch add(String statement, Object... params) {
        if (sql.length() > 0) {
            sql.append(";\n");
        }
        sql.append(statement);
        this.params.addAll(List.of(params));
        return this;
    }

    boolean isEmpty() {
        return sql.length() == 0;
    }

    /** Runs the batch and returns the rows of its last result set (each row an array of column values). */
    List<Object[]> execute(Connection connection, WaitGuard guard) throws SQLException {
        List<List<Object[]>> all = executeAll(connection, guard);
        return all.isEmpty() ? List.of() : all.get(all.size() - 1);
    }

    /**
     * Runs a {@code SELECT} of {@code columns} (each an expression with its own parameters) in one round trip and
     * returns the values of its one row, in order. PostgreSQL allows at most 1664 entries in one select list, so longer
     * lists are split into several statements of at most {@value #COLUMNS_PER_SELECT} columns each, sent in this same
     * batch after whatever was added before; they run in order.
     */
    static Object[] selectRow(Batch batch, List<String> columns, List<Object[]> params, Connection connection)
            throws SQLException {
        int statements = addSelects(batch, columns, params);
        if (statements == 1) {
            return batch.execute(connection, WaitGuard.NONE).get(0);
        }
        List<List<Object[]>> results = batch.executeAll(connection, WaitGuard.NONE);
        return joinRows(results.subList(results.size() - statements, results.size()), columns.size());
    }

    /** At most this many entries in one generated select list (PostgreSQL's limit is 1664). */
    static final int COLUMNS_PER_SELECT = 1000;

    /** Adds {@code SELECT}s of at most {@value #COLUMNS_PER_SELECT} of {@code columns} each; returns how many. */
    private static int addSelects(Batch batch, List<String> columns, List<Object[]> params) {
        int statements = 0;
        for (int from = 0; from < columns.size(); from += COLUMNS_PER_SELECT) {
            int to = Math.min(columns.size(), from + COLUMNS_PER_SELECT);
            List<Object> values = new ArrayList<>();
            for (int i = from; i < to; i++) {
                values.addAll(List.of(params.get(i)));
            }
            batch.add("SELECT " + String.join(", ", columns.subList(from, to)), values.toArray());
            statements++;
        }
        return statements;
    }

    /** The one row of each of {@code results}, side by side: {@code columns} values. */
    private static Object[] joinRows(List<List<Object[]>> results, int columns) {
        Object[] row = new Object[columns];
        int at = 0;
        for (List<Object[]> result : results) {
            Object[] part = result.get(0);
            System.arraycopy(part, 0, row, at, part.length);
            at += part.length;
        }
        return row;
    }

    /** Runs the batch and returns the rows of each of its result sets, in order. */
    List<List<Object[]>> executeAll(Connection connection, WaitGuard guard) throws SQLException {
        try (PreparedStatement ps = JdbcStatements.prepare(connection, sql.toString(), params)) {
            boolean isResultSet = JdbcStatements.execute(ps, guard);
            List<List<Object[]>> all = new ArrayList<>();
            while (true) {
                if (isResultSet) {
                    all.add(JdbcStatements.rows(ps.getResultSet()));
                } else if (ps.getUpdateCount() == -1) {
                    return all;
                }
                isResultSet = ps.getMoreResults();
            }
        }
    }

    @Override
    public String toString() {
        return sql.toString();
    }
}
