package io.dblock.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import io.dblock.spi.Inspection;
import io.dblock.spi.SessionLimits;
import io.dblock.support.Needs;
import io.dblock.support.Server;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session holding dblock's session locks is recognisable from any other session (issue 16.7): the keepalive's first
 * pass labels it {@code dblock <pid>@<host>} (PostgreSQL in {@code application_name}, MySQL/MariaDB in {@code
 * @dblock_holder}), the inspector reports the label instead of dblock's housekeeping statements, and the label is gone
 * once the connection is back in its pool. The inspector is another {@code DbLocks}, so all it knows comes from the
 * server.
 */
@Needs({Inspection.class, SessionLimits.class})
public abstract class HolderLabelContract {

    /** An application name with a quote, composed with the label on the server (never into SQL text). */
    static final String APPLICATION = "it's-billing";

    static final Duration LABELLED_WITHIN = Duration.ofSeconds(10);

    TestDatabase db;
    boolean postgres;
    HikariDataSource pool;
    LockInspector inspector;
    Server server;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        postgres = db.engine().equals("PostgreSQL");
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource());
        config.setMaximumPoolSize(1);
        if (postgres) {
            config.setConnectionInitSql("SET application_name = 'it''s-billing'");
        }
        pool = new HikariDataSource(config);
        inspector = DbLocks.create(db.dataSource()).inspector();
        server = new Server(db.dataSource());
    }

    @AfterEach
    void tearDown() {
        pool.close();
    }

    @Test
    void aHoldersSessionShowsItsLabelInsteadOfDblocksHousekeeping() {
        try (DbLocks locks = DbLocks.create(pool)) {
            aHoldersSessionShowsItsLabel(locks);
        }
    }

    private void aHoldersSessionShowsItsLabel(DbLocks locks) {
        long start = System.nanoTime();
        try (LockHandle held = locks.advisory("labelled").acquire()) {
            SessionInfo session = labelled(held);
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            String label = "dblock " + ProcessHandle.current().pid() + "@";
            System.out.printf("%s: holder labelled %d ms after its acquire: %s%n", db.engine(), millis, session);
            assertThat(millis)
                    .as("labelled within about one keepalive tick (250 ms)")
                    .isLessThan(2_000);
            assertThat(session.dblockLabel())
                    .hasValueSatisfying(l -> assertThat(l).startsWith(label).matches("dblock [0-9]+@[a-z0-9-]+"));
            assertThat(session.isDblockHolder()).isTrue();
            assertThat(session.query())
                    .as("dblock's last statement is not the application's")
                    .isEmpty();
            assertThat(session.activity())
                    .contains(session.dblockLabel().orElseThrow() + ": holds session locks, idle");
            assertThat(serverLabel(held.connectionId()))
                    .as("what other tools see on the server")
                    .isEqualTo(
                            postgres
                                    ? APPLICATION + " [" + session.dblockLabel().orElseThrow() + "]"
                                    : session.dblockLabel().orElseThrow());
            if (postgres) {
                assertThat(session.applicationName())
                        .as("the application's own name")
                        .contains(APPLICATION);
            }
        }
    }

    @Test
    void aSessionDblockDoesNotHoldOnShowsNoLabel() throws Exception {
        try (Connection other = db.dataSource().getConnection();
                java.sql.Statement s = other.createStatement()) {
            s.execute(postgres ? "SELECT pg_advisory_lock(4711)" : "SELECT GET_LOCK(CONCAT(DATABASE(), '.#4711'), 0)");
            List<LockInfo> found = inspector.locks(LockFilter.all().key(LockKey.of(4711)));
            assertThat(found).hasSize(1);
            assertThat(found.get(0).session().dblockLabel()).isEmpty();
            assertThat(found.get(0).session().isDblockHolder()).isFalse();
            s.execute(
                    postgres ? "SELECT pg_advisory_unlock(4711)" : "SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.#4711'))");
        }
    }

    @Test
    void theLabelIsGoneWhenTheConnectionReturnsToItsPool() throws Exception {
        theLabelIsPutBack(DbLocks.builder(pool).build());
    }

    @Test
    void theLabelIsSetAndPutBackWithoutASilentClientBound() throws Exception {
        theLabelIsPutBack(DbLocks.builder(pool).silentClientBound(Duration.ZERO).build());
    }

    private void theLabelIsPutBack(DbLocks locks) throws Exception {
        try (locks) {
            String before = poolsLabel();
            long session;
            try (LockHandle held = locks.advisory("label-restored").acquire()) {
                session = held.connectionId();
                labelled(held);
            }
            assertThat(poolsSessionId())
                    .as("the same session, back in the pool")
                    .isEqualTo(session);
            assertThat(poolsLabel()).as("the label put back").isEqualTo(before);
            assertThat(serverLabel(session)).as("what other sessions see").isEqualTo(postgres ? APPLICATION : null);
        }
    }

    /** The holder's session, once the inspector (another DbLocks) sees it labelled. */
    /**
     * The holder's session once the inspector sees it labelled and idle: the label shows while the statement that sets
     * it still runs (PostgreSQL reports a new {@code application_name} at once), and a keepalive ping may be running
     * at any inspection; an idle holder is what the label is for.
     */
    private SessionInfo labelled(LockHandle held) {
        SessionInfo[] seen = new SessionInfo[1];
        Await.until(LABELLED_WITHIN, "the inspector sees the holder labelled and idle", () -> {
            List<LockInfo> found = inspector.locks(LockFilter.all().connection(held.connectionId()));
            seen[0] = found.isEmpty() ? null : found.get(0).session();
            return seen[0] != null && seen[0].isDblockHolder() && seen[0].state() == SessionState.IDLE;
        });
        return seen[0];
    }

    /** PostgreSQL {@code application_name}, MySQL/MariaDB {@code @dblock_holder}, of a session, read by another one. */
    private String serverLabel(long session) {
        return postgres
                ? server.queryString("SELECT application_name FROM pg_stat_activity WHERE pid = ?", (int) session)
                : server.queryString(
                        "SELECT CONVERT(v.VARIABLE_VALUE USING utf8mb4) FROM performance_schema.user_variables_by_thread v"
                                + " JOIN performance_schema.threads t ON t.THREAD_ID = v.THREAD_ID"
                                + " WHERE t.PROCESSLIST_ID = ? AND v.VARIABLE_NAME = 'dblock_holder'",
                        session);
    }

    /** The label as the pool's one session sees it itself. */
    private String poolsLabel() throws SQLException {
        return poolsValue(postgres ? "current_setting('application_name')" : "@dblock_holder");
    }

    private long poolsSessionId() throws SQLException {
        return Long.parseLong(poolsValue(postgres ? "pg_backend_pid()" : "CONNECTION_ID()"));
    }

    private String poolsValue(String expression) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT " + expression);
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getString(1);
        }
    }
}
