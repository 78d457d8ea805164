package io.dblock.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Questions tests ask the server about locks, each on a fresh connection of its own. */
public final class Server {

    private final DataSource dataSource;

    public Server(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Backends of the test database waiting for a lock of {@code waitEvent} ('advisory', 'relation'). */
    public int waiting(String waitEvent) {
        return queryInt(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND wait_event_type = 'Lock' AND wait_event = ?",
                waitEvent);
    }

    /** Granted advisory lock rows for (classid, objid, objsubid), any mode. */
    public int advisoryHolders(long classid, long objid, int objsubid) {
        return queryInt(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        + " AND classid::int8 = ? AND objid::int8 = ? AND objsubid = ?",
                classid,
                objid,
                objsubid);
    }

    /** pg_locks modes held on a table by {@code pid}, e.g. "AccessExclusiveLock". */
    public List<String> tableModes(long pid, String schema, String table) {
        List<String> modes = new ArrayList<>();
        String sql = "SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE l.pid = ? AND l.granted AND n.nspname = ? AND c.relname = ? ORDER BY l.mode";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, pid);
            ps.setString(2, schema);
            ps.setString(3, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    modes.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return modes;
    }

    public int queryInt(String sql, Object... params) {
        return query(sql, params, rs -> rs.getInt(1));
    }

    public String queryString(String sql, Object... params) {
        return query(sql, params, rs -> rs.getString(1));
    }

    /** A column of a query's first row. */
    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, Object[] params, Column<T> column) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return column.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void execute(String sql) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** pg_backend_pid() of a connection. */
    public static long pid(Connection c) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHOW of a setting on a connection. */
    public static String show(Connection c, String setting) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('" + setting + "')")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
