package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.support.Server;
import io.dblock.testing.PostgresTest;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every (held, requested) pair of table modes on a real server, against the matrix in the PostgreSQL manual. */
@PostgresTest
class TableLockConflictMatrixTest {

    static DbLocks locks;

    @BeforeAll
    static void setUp(DataSource dataSource) {
        new Server(dataSource).execute("CREATE TABLE IF NOT EXISTS matrix_t (id int)");
        locks = DbLocks.create(dataSource);
    }

    static List<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (TableLockMode held : TableLockMode.values()) {
            for (TableLockMode requested : TableLockMode.values()) {
                pairs.add(Arguments.of(held, requested));
            }
        }
        return pairs;
    }

    @ParameterizedTest(name = "{1} requested while {0} held")
    @MethodSource("pairs")
    void nowaitIsRefusedExactlyForDocumentedConflicts(TableLockMode held, TableLockMode requested, DataSource ds)
            throws Exception {
        check(ds, held, requested, null);
    }

    @ParameterizedTest(name = "{1} requested while {0} held")
    @MethodSource("pairs")
    void shortTimeoutExpiresExactlyForDocumentedConflicts(TableLockMode held, TableLockMode requested, DataSource ds)
            throws Exception {
        check(ds, held, requested, Duration.ofMillis(40));
    }

    private static void check(DataSource ds, TableLockMode held, TableLockMode requested, Duration wait)
            throws Exception {
        try (Connection holder = ds.getConnection();
                Connection requester = ds.getConnection()) {
            holder.setAutoCommit(false);
            requester.setAutoCommit(false);
            locks.tables("matrix_t").mode(held).acquire(holder);
            TableLock request = locks.tables("matrix_t").mode(requested);
            boolean granted = wait == null ? request.tryAcquire(requester) : request.tryAcquire(requester, wait);
            assertThat(granted).isEqualTo(!TableLockModeTest.documentedConflict(requested, held));
            // the refused transaction is still usable, and the granted one really holds the mode
            assertThat(new Server(ds).tableModes(Server.pid(requester), "public", "matrix_t"))
                    .isEqualTo(granted ? List.of(pgLocksMode(requested)) : List.of());
            holder.rollback();
            requester.rollback();
        }
    }

    static String pgLocksMode(TableLockMode mode) {
        StringBuilder sb = new StringBuilder();
        for (String word : mode.name().split("_")) {
            sb.append(word.charAt(0)).append(word.substring(1).toLowerCase());
        }
        return sb.append("Lock").toString();
    }
}
