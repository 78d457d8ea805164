package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.NoLeakCheck;
import io.dblock.testing.TestDatabase;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** As {@link PostgresLeakReportTest}, for a user-level lock on MariaDB. */
@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDbLeakReportTest {

    @Test
    @NoLeakCheck // the test runs the check itself
    void aLeakedLockIsNamedAsWrittenWithTheCallThatTookIt(DataSource dataSource, TestDatabase db) throws Exception {
        try (DbLocks locks = DbLocks.create(dataSource)) {
            LockHandle leaked = locks.advisory(PostgresLeakReportTest.NAME).acquire(); // left held on purpose
            String site = "at io.dblock.MariaDbLeakReportTest.aLeakedLockIsNamedAsWrittenWithTheCallThatTookIt"
                    + "(MariaDbLeakReportTest.java:" + (new Throwable().getStackTrace()[0].getLineNumber() - 1) + ")";

            assertThatThrownBy(() -> db.assertNoLeakedLocks(Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("advisory " + LockKey.of(PostgresLeakReportTest.NAME) + " (server name '")
                    .hasMessageContaining("') held by connection ")
                    .hasMessageContaining("taken through dblock by thread '"
                            + Thread.currentThread().getName() + "' " + site)
                    .hasMessageNotContaining("last statement");

            try {
                leaked.release(); // dblock may not know yet that the check killed the hold's connection
            } catch (LockLostException lost) {
                assertThat(lost)
                        .hasMessageContaining(
                                LockKey.of(PostgresLeakReportTest.NAME).toString());
            }
            assertThat(PostgresLeakReportTest.heldHere(PostgresLeakReportTest.NAME))
                    .isEmpty();
        }
    }
}
