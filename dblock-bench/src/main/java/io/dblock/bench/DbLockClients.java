package io.dblock.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.TableLock;
import java.sql.Connection;
import java.sql.SQLException;

/** dblock as an application node uses it: one {@link DbLocks} over the node's pool, default options. */
final class DbLockClients {

    private DbLockClients() {}

    /** {@code locks.advisory(name).acquire()} and {@code handle.release()}; defaults but for {@code recordSites}. */
    static final class Advisory implements LockClient {
        private final HikariDataSource pool;
        private final DbLocks locks;
        private final String lockName;
        private LockHandle handle;

        Advisory(HikariDataSource pool, String lockName, boolean recordSites) {
            this.pool = pool;
            this.locks =
                    DbLocks.builder(pool).recordAcquisitionSites(recordSites).build();
            this.lockName = lockName;
        }

        @Override
        public void acquire() {
            handle = locks.advisory(lockName).acquire();
        }

        @Override
        public void release() {
            handle.release();
            handle = null;
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    /**
     * {@code locks.tables("bench_table").tryAcquire(connection, 2 s)} on the node's own connection, then {@code COMMIT}
     * and {@code release(connection)} (which is {@code UNLOCK TABLES} on MariaDB, nothing on PostgreSQL).
     */
    static final class Table implements LockClient {
        private final Connection connection;
        private final TableLock lock;
        private long retries;

        Table(Target target) throws SQLException {
            this.lock = DbLocks.create(target.driverDataSource()).tables(Schema.TABLE);
            this.connection = target.connect();
            connection.setAutoCommit(false);
        }

        @Override
        public void acquire() {
            while (!lock.tryAcquire(connection, Peer.WAIT)) {
                retries++;
            }
        }

        @Override
        public void release() throws SQLException {
            connection.commit();
            lock.release(connection);
        }

        @Override
        public long retries() {
            return retries;
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }
}
