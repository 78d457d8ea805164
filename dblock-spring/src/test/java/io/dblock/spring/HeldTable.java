package io.dblock.spring;

import io.dblock.DbLocks;
import io.dblock.TableLock;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** A write lock on a table held by another node's open transaction until closed (commit, then release). */
final class HeldTable implements AutoCloseable {

    private final Connection connection;
    private final TableLock lock;

    HeldTable(DbLocks node, DataSource dataSource, String table) throws SQLException {
        this.connection = dataSource.getConnection();
        this.lock = node.tables(table);
        connection.setAutoCommit(false);
        lock.acquire(connection);
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.commit();
            lock.release(connection);
        } finally {
            connection.close();
        }
    }
}
