package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.spi.LockTimeouts;
import io.dblock.spi.TableLocks;
import io.dblock.support.Needs;
import io.dblock.support.Server;
import io.dblock.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scoped lock timeouts: set, nested, restored (also after errors), and effective on the server. */
@Needs({LockTimeouts.class, TableLocks.class})
abstract class LockTimeoutScopeContract {

    DataSource dataSource;
    DbLocks locks;
    boolean postgres;

    @BeforeEach
    void setUp(DataSource dataSource, TestDatabase db) {
        this.dataSource = dataSource;
        locks = DbLocks.create(dataSource);
        postgres = db.engine().equals("PostgreSQL");
        new Server(dataSource).execute("CREATE TABLE IF NOT EXISTS scoped (v int)");
    }

    /** PostgreSQL: [lock_timeout]; MySQL/MariaDB: [lock_wait_timeout, innodb_lock_wait_timeout]. */
    List<String> limits(Connection c) throws SQLException {
        String sql = postgres
                ? "SELECT current_setting('lock_timeout')"
                : "SELECT @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout";
        try (Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return postgres ? List.of(rs.getString(1)) : List.of(rs.getString(1), rs.getString(2));
        }
    }

    @Test
    void nestedScopesSetAndRestoreInOrder() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<String> original = limits(c);
            try (LockTimeoutScope outer = locks.lockTimeout(c, Duration.ofSeconds(5))) {
                assertThat(limits(c)).isEqualTo(postgres ? List.of("5s") : List.of("5", "5"));
                try (LockTimeoutScope inner = locks.lockTimeout(c, Duration.ofMillis(1500))) {
                    assertThat(limits(c)).isEqualTo(postgres ? List.of("1500ms") : List.of("2", "2"));
                }
                assertThat(limits(c)).isEqualTo(postgres ? List.of("5s") : List.of("5", "5"));
            }
            assertThat(limits(c)).isEqualTo(original);
        }
    }

    @Test
    void limitsComeBackWhenTheWorkThrows() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<String> original = limits(c);
            assertThatThrownBy(() -> locks.withLockTimeout(c, Duration.ofSeconds(3), () -> {
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT * FROM no_such_table_here");
                        }
                        return null;
                    }))
                    .isInstanceOf(SQLException.class);
            assertThat(limits(c)).isEqualTo(original);
        }
    }

    @Test
    void theLimitBoundsARealWaitOnTheServer() throws Exception {
        try (Connection holder = dataSource.getConnection();
                Connection waiter = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            locks.tables().write("scoped").acquire(holder);
            try {
                List<String> original = limits(waiter);
                long start = System.nanoTime();
                SQLException e = locks.withLockTimeout(waiter, Duration.ofMillis(300), () -> {
                    try (Statement s = waiter.createStatement()) {
                        s.execute("INSERT INTO scoped VALUES (1)");
                        return null;
                    } catch (SQLException ex) {
                        return ex;
                    }
                });
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat((Throwable) e).as("the insert failed").isNotNull();
                if (postgres) {
                    assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("55P03"); // lock_not_available
                } else {
                    assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1205); // ER_LOCK_WAIT_TIMEOUT
                }
                assertThat(took).isLessThan(Duration.ofSeconds(30)); // the server's default would wait far longer
                assertThat(limits(waiter)).isEqualTo(original);
            } finally {
                holder.commit();
                locks.tables().release(holder);
            }
        }
    }

    @Test
    void closingOutOfOrderIsAUsageErrorAndChangesNothing() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<String> original = limits(c);
            LockTimeoutScope outer = locks.lockTimeout(c, Duration.ofSeconds(4));
            LockTimeoutScope inner = locks.lockTimeout(c, Duration.ofSeconds(2));
            List<String> innerLimits = limits(c);
            assertThatThrownBy(outer::close)
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("reverse order");
            assertThat(limits(c)).isEqualTo(innerLimits);
            inner.close();
            inner.close(); // idempotent
            outer.close();
            assertThat(limits(c)).isEqualTo(original);
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeAnySql() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<String> original = limits(c);
            assertThatThrownBy(() -> locks.lockTimeout(c, Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("negative");
            assertThatThrownBy(() -> locks.lockTimeout(c, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> locks.lockTimeout(null, Duration.ZERO)).isInstanceOf(NullPointerException.class);
            assertThat(limits(c)).isEqualTo(original);
        }
    }
}
