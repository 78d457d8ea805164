package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.testing.NoLeakCheck;
import io.dblock.testing.PostgresTest;
import io.dblock.testing.TestDatabase;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The test kit's leak report names a lock dblock took as the code wrote it, with the call that took it. */
@PostgresTest
class PostgresLeakReportTest {

    static final String NAME = "report:\"quoted\"; 42";

    @Test
    @NoLeakCheck // the test runs the check itself
    void aLeakedLockIsNamedAsWrittenWithTheCallThatTookIt(DataSource dataSource, TestDatabase db) {
        try (DbLocks locks = DbLocks.create(dataSource)) {
            LockHandle leaked = locks.advisory(NAME).acquire(); // left held on purpose
            String site = "at io.dblock.PostgresLeakReportTest.aLeakedLockIsNamedAsWrittenWithTheCallThatTookIt"
                    + "(PostgresLeakReportTest.java:" + (new Throwable().getStackTrace()[0].getLineNumber() - 1) + ")";
            assertThat(heldHere(NAME)).singleElement().satisfies(held -> {
                assertThat(held.key()).isEqualTo(LockKey.of(NAME));
                assertThat(held.site()).hasValue(site.substring(3));
            });

            assertThatThrownBy(() -> db.assertNoLeakedLocks(Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("advisory " + LockKey.of(NAME) + " EXCLUSIVE held by session ")
                    .hasMessageContaining("taken through dblock by thread '"
                            + Thread.currentThread().getName() + "' " + site)
                    .hasMessageNotContaining("key=")
                    .hasMessageNotContaining("last statement");

            try {
                leaked.release(); // dblock may not know yet that the hold's session was ended by the check
            } catch (LockLostException lost) {
                assertThat(lost).hasMessageContaining(LockKey.of(NAME).toString());
            }
            assertThat(heldHere(NAME)).isEmpty();
        }
    }

    /** This JVM's holds of {@code name}: other tests' DbLocks may hold keys of their own. */
    static java.util.List<JvmLocks.Held> heldHere(String name) {
        return JvmLocks.held().stream()
                .filter(h -> h.key().equals(LockKey.of(name)))
                .toList();
    }

    @Test
    void aNegativeTimeoutIsRefused(TestDatabase db) {
        assertThatThrownBy(() -> db.assertNoLeakedLocks(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must not be negative: PT-0.001S");
    }
}
