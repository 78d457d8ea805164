package io.dblock.bench;

import io.dblock.LockKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The floor: hand-written JDBC on one physical connection, one statement per step, prepared once. PostgreSQL locks
 * the same bigint dblock derives from the name; MariaDB the same {@code database.name} dblock uses.
 */
final class RawClients {

    /** MariaDB's GET_LOCK has no "forever"; dblock waits a year at a time, and so does this. */
    static final long YEAR_SECONDS = 31_536_000L;

    private RawClients() {}

    /** {@code pg_advisory_lock}/{@code pg_advisory_unlock}, or {@code GET_LOCK}/{@code RELEASE_LOCK}. */
    static final class Advisory implements LockClient {
        private final Connection connection;
        private final PreparedStatement lock;
        private final PreparedStatement unlock;

        Advisory(Target target, String lockName) throws SQLException {
            this(target.connect(), target.isPostgres(), lockName, false);
        }

        /** On {@code connection}; {@code tryOnly} uses {@code pg_try_advisory_lock} / {@code GET_LOCK(name, 0)}. */
        Advisory(Connection connection, boolean postgres, String lockName, boolean tryOnly) throws SQLException {
            this.connection = connection;
            if (postgres) {
                long key = LockKey.of(lockName).longValue();
                lock = connection.prepareStatement(
                        tryOnly ? "SELECT pg_try_advisory_lock(?)" : "SELECT pg_advisory_lock(?)");
                lock.setLong(1, key);
                unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)");
                unlock.setLong(1, key);
            } else {
                String name = connection.getCatalog() + "." + lockName;
                lock = connection.prepareStatement("SELECT GET_LOCK(?, ?)");
                lock.setString(1, name);
                lock.setLong(2, tryOnly ? 0 : YEAR_SECONDS);
                unlock = connection.prepareStatement("SELECT RELEASE_LOCK(?)");
                unlock.setString(1, name);
            }
        }

        @Override
        public void acquire() throws SQLException {
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                Object granted = rs.getObject(1);
                // pg_advisory_lock returns void (an empty string); the others true/1 when granted
                if (Boolean.FALSE.equals(granted) || (granted instanceof Number n && n.intValue() != 1)) {
                    throw new IllegalStateException("raw lock not granted: " + granted);
                }
            }
        }

        @Override
        public void release() throws SQLException {
            try (ResultSet rs = unlock.executeQuery()) {
                rs.next();
            }
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /**
     * A table lock with a 2 s timeout in the caller's transaction. PostgreSQL: {@code lock_timeout} set once for the
     * session, {@code LOCK TABLE}, {@code COMMIT}. MariaDB: {@code LOCK TABLES ... WRITE WAIT 2}, {@code COMMIT},
     * {@code UNLOCK TABLES}. A timeout is counted and retried.
     */
    static final class Table implements LockClient {
        private final Connection connection;
        private final boolean postgres;
        private final Statement statement;
        private long retries;

        Table(Target target) throws SQLException {
            this(target.connect(), target.isPostgres());
        }

        Table(Connection connection, boolean postgres) throws SQLException {
            this.connection = connection;
            this.postgres = postgres;
            this.statement = connection.createStatement();
            if (postgres) {
                statement.execute("SET lock_timeout = '" + Peer.WAIT.toMillis() + "ms'");
            }
            connection.setAutoCommit(false);
        }

        @Override
        public void acquire() throws SQLException {
            String sql = postgres
                    ? "LOCK TABLE " + Schema.TABLE + " IN ACCESS EXCLUSIVE MODE"
                    : "LOCK TABLES " + Schema.TABLE + " WRITE WAIT " + Peer.WAIT.toSeconds();
            while (true) {
                try {
                    statement.execute(sql);
                    return;
                } catch (SQLException e) {
                    if (!"55P03".equals(e.getSQLState()) && e.getErrorCode() != 1205) {
                        throw e;
                    }
                    retries++;
                    connection.rollback();
                }
            }
        }

        @Override
        public void release() throws SQLException {
            connection.commit();
            if (!postgres) {
                statement.execute("UNLOCK TABLES");
            }
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
