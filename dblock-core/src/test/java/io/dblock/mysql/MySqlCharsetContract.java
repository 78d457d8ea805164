package io.dblock.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.jdbc.MysqlDataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockUsageException;
import io.dblock.spi.Fencing;
import io.dblock.support.ConnectorJ;
import io.dblock.support.Holder;
import io.dblock.support.Needs;
import io.dblock.support.Server;
import io.dblock.testing.TestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One name is one server lock, and one token sequence, whatever the driver and the connection's charset: MariaDB
 * Connector/J (utf8mb4), MariaDB Connector/J after {@code SET NAMES latin1}, and MySQL Connector/J with {@code
 * characterEncoding=latin1}; names in ASCII, Latin-1 accents, CJK and emoji.
 */
@Needs(value = Fencing.class, engine = MySqlEngine.class)
public abstract class MySqlCharsetContract {

    static final List<String> NAMES = List.of("ascii-name", "café-ü", "日本語-鍵", "emoji-😀");

    TestDatabase db;
    Server server;
    final Map<String, DbLocks> nodes = new LinkedHashMap<>();
    final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        server = new Server(db.dataSource());
        nodes.put("MariaDB Connector/J (utf8mb4)", DbLocks.create(pool(db.dataSource(), null)));
        nodes.put("MariaDB Connector/J + SET NAMES latin1", DbLocks.create(pool(db.dataSource(), "SET NAMES latin1")));
        MysqlDataSource latin1 = new MysqlDataSource();
        latin1.setURL(ConnectorJ.url(db) + "&characterEncoding=latin1");
        latin1.setUser(db.user());
        latin1.setPassword(db.password());
        nodes.put("MySQL Connector/J characterEncoding=latin1", DbLocks.create(pool(latin1, null)));
    }

    private DataSource pool(DataSource target, String initSql) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(target);
        config.setMaximumPoolSize(3);
        if (initSql != null) {
            config.setConnectionInitSql(initSql);
        }
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void everyPairOfDriversAndCharsetsExcludesEachOtherOnEveryName() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String name : NAMES) {
            for (var holding : nodes.entrySet()) {
                Holder holder =
                        Holder.start(() -> holding.getValue().advisory(name).tryAcquire());
                long holderId = holder.acquired().get(10, TimeUnit.SECONDS);
                assertThat(holderId).as("%s takes %s", holding.getKey(), name).isPositive();
                // a plain GET_LOCK client on a utf8mb4 connection sees the same lock
                if (server.queryInt(
                                "SELECT COALESCE(IS_USED_LOCK(CONCAT(CONVERT(DATABASE() USING utf8mb4), '.', ?)), 0)",
                                name)
                        != (int) holderId) {
                    failures.add("a plain IS_USED_LOCK on utf8mb4 does not see " + holding.getKey() + " holding '"
                            + name + "'");
                }
                for (var other : nodes.entrySet()) {
                    if (other.getKey().equals(holding.getKey())) {
                        continue;
                    }
                    var taken = other.getValue().advisory(name).tryAcquire();
                    if (taken.isPresent()) {
                        taken.get().release();
                        failures.add(other.getKey() + " got '" + name + "' while " + holding.getKey() + " held it");
                    }
                    if (!other.getValue().advisory(name).holderConnectionIds().contains(holderId)) {
                        failures.add(other.getKey() + " does not see " + holding.getKey() + " holding '" + name + "'");
                    }
                }
                holder.release();
            }
        }
        System.out.println("driver x charset exclusion matrix (" + NAMES.size() + " names, " + nodes.size()
                + " nodes): " + (failures.isEmpty() ? "no failures" : String.join("; ", failures)));
        assertThat(failures).isEmpty();
    }

    @Test
    void tokensIncreaseStrictlyAcrossEveryDriverAndCharset() {
        DbLocks creator = nodes.values().iterator().next();
        creator.createFencingTable();
        for (String name : NAMES) {
            String key = name + "-" + UUID.randomUUID();
            List<String> taken = new ArrayList<>();
            long last = 0;
            for (int round = 0; round < 2; round++) {
                for (var node : nodes.entrySet()) {
                    try (LockHandle h = node.getValue().advisory(key).fenced().acquire()) {
                        long token = h.fencingToken().orElseThrow();
                        taken.add(node.getKey() + "=" + token);
                        assertThat(token)
                                .as("tokens of %s so far: %s", name, taken)
                                .isGreaterThan(last);
                        last = token;
                    }
                }
            }
            assertThat(last).isEqualTo(2L * nodes.size());
        }
    }

    @Test
    void namesDifferingOnlyInCaseAreTwoLocksWithTwoTokenSequences() {
        DbLocks locks = nodes.values().iterator().next();
        locks.createFencingTable();
        String suffix = UUID.randomUUID().toString();
        try (LockHandle upper = locks.advisory("Job-" + suffix).fenced().acquire();
                LockHandle lower = locks.advisory("job-" + suffix).fenced().acquire()) {
            assertThat(upper.isHeld()).isTrue();
            assertThat(lower.isHeld()).isTrue();
            assertThat(upper.connectionId()).isEqualTo(lower.connectionId());
            assertThat(upper.fencingToken()).hasValue(1L);
            assertThat(lower.fencingToken()).as("its own sequence").hasValue(1L);
        }
    }

    @Test
    void aFencingTableOfEarlierVersionsIsRefusedUntilMigratedThenTokensGoOn() {
        String table = "fencing_old_" + UUID.randomUUID().toString().replace("-", "");
        // the table as dblock 0.1 created it, with a row it wrote
        server.execute("CREATE TABLE " + table
                + " (lock_key varchar(64) CHARACTER SET utf8mb4 NOT NULL PRIMARY KEY, token bigint NOT NULL)"
                + " ENGINE=InnoDB");
        try {
            String database = server.queryString("SELECT DATABASE()");
            server.execute("INSERT INTO " + table + " VALUES ('" + database + ".migrated-key', 5)");
            DbLocks locks = DbLocks.builder(db.dataSource()).fencingTable(table).build();
            assertThatThrownBy(() -> locks.advisory("migrated-key").fenced().acquire())
                    .isInstanceOf(LockUsageException.class)
                    .hasMessageContaining("ALTER TABLE")
                    .hasMessageContaining("createFencingTable");
            assertThat(locks.advisory("migrated-key").isLocked())
                    .as("the refused acquisition gave the lock back")
                    .isFalse();
            locks.createFencingTable(); // the migration
            try (LockHandle h = locks.advisory("migrated-key").fenced().acquire()) {
                assertThat(h.fencingToken())
                        .as("the sequence goes on after the migration")
                        .hasValue(7L);
            }
        } finally {
            server.execute("DROP TABLE IF EXISTS " + table);
        }
    }
}
