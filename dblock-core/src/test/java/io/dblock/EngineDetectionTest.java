package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.testing.PostgresTest;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

@PostgresTest
class EngineDetectionTest {

    @Test
    void postgresIsDetected(DataSource dataSource) {
        DbLocks locks = DbLocks.create(dataSource);
        assertThat(locks.engineName()).isEqualTo("PostgreSQL");
        assertThat(locks.serverVersion()).isNotBlank();
    }

    @Test
    void anUnsupportedDatabaseIsRefusedNamingWhatIsSupported() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:dblock;MODE=PostgreSQL");
        assertThatThrownBy(() -> DbLocks.create(h2))
                .isInstanceOf(UnsupportedLockException.class)
                .hasMessageContaining("H2")
                .hasMessageContaining("not supported")
                .hasMessageContaining("PostgreSQL 9.6 or newer");
    }

    @Test
    void aDataSourceThatCannotConnectFailsClearly() {
        JdbcDataSource broken = new JdbcDataSource();
        broken.setURL("jdbc:h2:file:/nonexistent/dir/db;IFEXISTS=TRUE");
        assertThatThrownBy(() -> DbLocks.create(broken))
                .isInstanceOf(LockFailedException.class)
                .hasMessageContaining("could not connect");
    }
}
