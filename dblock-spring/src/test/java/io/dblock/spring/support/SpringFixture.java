package io.dblock.spring.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the tests share: a pooled {@code DataSource} on the engine's server (as an application has), a second {@link
 * DbLocks} standing for another node, questions to the server, and application contexts closed after each test.
 */
public abstract class SpringFixture {

    protected TestDatabase db;
    protected HikariDataSource dataSource;
    /** Another application node: shares nothing in memory with the beans under test. */
    protected DbLocks otherNode;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void openPool(TestDatabase db) {
        this.db = db;
        this.dataSource = pool(db);
        this.otherNode = DbLocks.create(db.dataSource());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        dataSource.close();
    }

    /** A new pool of up to 12 connections to the test database, closed after the test. */
    protected HikariDataSource pool(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource());
        config.setMaximumPoolSize(12);
        config.setMinimumIdle(0);
        config.setPoolName("spring-test");
        HikariDataSource pool = new HikariDataSource(config);
        if (this.dataSource != null) {
            closeables.add(pool);
        }
        return pool;
    }

    /** Closes {@code closeable} after the test, before the pool. */
    protected <T extends AutoCloseable> T closeAfterTest(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** An application context over {@link #dataSource} (bean "dataSource") and the given classes, closed after the test. */
    protected AnnotationConfigApplicationContext context(Class<?>... componentClasses) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean("dataSource", DataSource.class, () -> dataSource);
        context.register(componentClasses);
        closeAfterTest(context);
        context.refresh();
        return context;
    }

    protected TransactionTemplate transactionTemplate() {
        return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    protected boolean postgres() {
        return db.engine().equals("PostgreSQL");
    }

    /** True if another node cannot take {@code key} right now (asks the server through {@link #otherNode}). */
    protected boolean heldElsewhere(String key) {
        Optional<LockHandle> handle = otherNode.advisory(key).tryAcquire();
        handle.ifPresent(LockHandle::release);
        return handle.isEmpty();
    }

    /** True if another node could lock {@code table} for writing right now, in a transaction of its own. */
    protected boolean tableFreeElsewhere(String table) {
        return otherNode
                .tables(table)
                .tryInTransaction(Duration.ZERO, c -> true)
                .isPresent();
    }

    /**
     * Kills the server session that holds advisory key {@code key} ({@code pg_terminate_backend} / {@code KILL}) and
     * waits until the server no longer lists that session as a holder (someone else may hold the key by then); the
     * holder's process notices nothing until it next uses the session.
     *
     * @return the killed session's id
     */
    protected long killHolderOf(String key) {
        Set<Long> holders = otherNode.advisory(key).holderConnectionIds();
        assertThat(holders).as("one session holds " + key).hasSize(1);
        long holder = holders.iterator().next();
        execute(postgres() ? "SELECT pg_terminate_backend(" + holder + ")" : "KILL " + holder);
        Await.until(
                Duration.ofSeconds(10),
                "the server freed " + key + " of session " + holder,
                () -> !otherNode.advisory(key).holderConnectionIds().contains(holder));
        return holder;
    }

    /** Connections waiting on the server for an advisory/named lock. */
    protected int waitingForNamedLock() {
        return queryInt(
                postgres()
                        ? "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                + " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
                        : "SELECT count(*) FROM information_schema.PROCESSLIST WHERE STATE = 'User lock'");
    }

    /** Connections waiting on the server for a table lock. */
    protected int waitingForTable() {
        return queryInt(
                postgres()
                        ? "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                + " AND wait_event_type = 'Lock' AND wait_event = 'relation'"
                        : "SELECT count(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for table%'");
    }

    /** The server's id of the current Spring transaction's connection. */
    protected long transactionConnectionId() {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            return connectionId(connection);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    protected long connectionId(Connection connection) {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(postgres() ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    protected int queryInt(String sql) {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    protected void execute(String... statements) {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates (or empties) a one-column InnoDB/PostgreSQL table for table-lock tests. */
    protected void createTable(String name) {
        execute(
                "CREATE TABLE IF NOT EXISTS " + name + " (id INT PRIMARY KEY)" + (postgres() ? "" : " ENGINE=InnoDB"),
                "DELETE FROM " + name);
    }
}
