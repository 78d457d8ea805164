package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.testing.DatabaseTest;
import io.dblock.testing.Engine;
import io.dblock.testing.PgBouncer;
import io.dblock.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's {@code locks} through a real PgBouncer in transaction mode, with pgjdbc's default {@code prepareThreshold}:
 * it says what stands in between (JSON {@code "pooler":"TRANSACTION"}, a closing note in text), and {@code terminate}
 * is refused. Skips where the binary is missing.
 */
@DatabaseTest(engine = Engine.POSTGRES)
class PgBouncerInspectionIT {

    @TempDir
    Path workDir;

    @Test
    void locksThroughATransactionPoolerSaysSoAndTerminateIsRefused(TestDatabase db) throws Exception {
        assumeTrue(PgBouncer.unavailableReason().isEmpty(), () -> PgBouncer.unavailableReason()
                .orElseThrow());
        try (PgBouncer bouncer = PgBouncer.start(db, PgBouncer.PoolMode.TRANSACTION, 2);
                DbLocks direct = DbLocks.create(db.dataSource());
                LockHandle held = direct.advisory(7301L).acquire()) {
            DblockJar jar = new DblockJar(workDir);
            List<String> connection = List.of("--url", bouncer.dataSource().getUrl(), "--user", db.user());
            Map<String, String> env = Map.of(ConnectionOptions.PASSWORD_ENV, db.password());

            CliRun json = jar.run(env, "", concat(List.of("locks", "--format", "json"), connection));
            assertThat(json.exitCode()).as(json.describe()).isZero();
            assertThat(json.out())
                    .contains("\"pooler\":\"TRANSACTION\"")
                    .contains("\"connectionId\":" + held.connectionId());

            CliRun text = jar.run(env, "", concat(List.of("locks"), connection));
            assertThat(text.exitCode()).as(text.describe()).isZero();
            assertThat(text.lines()).last().asString().startsWith("Through a pooler or proxy (pooler TRANSACTION");

            CliRun terminate = jar.run(
                    env, "", concat(List.of("terminate", "--yes", String.valueOf(held.connectionId())), connection));
            assertThat(terminate.exitCode()).as(terminate.describe()).isNotZero();
            assertThat(terminate.err()).contains("pooler");
            assertThat(held.confirmHeld()).isTrue();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
