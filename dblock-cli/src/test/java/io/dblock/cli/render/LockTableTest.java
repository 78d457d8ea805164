package io.dblock.cli.render;

import static io.dblock.cli.render.Records.holds;
import static io.dblock.cli.render.Records.session;
import static io.dblock.cli.render.Records.table;
import static io.dblock.cli.render.Records.waitsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.LockKey;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.SessionState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockTableTest {

    private static final SessionInfo ALICE = session(
            4242,
            "alice",
            "billing",
            SessionState.IDLE_IN_TRANSACTION,
            "UPDATE accounts SET balance = balance - 10\n   WHERE id = 7");
    private static final SessionInfo BOB =
            session(4243, "bob", "reports", SessionState.ACTIVE, "LOCK TABLE orders IN SHARE MODE");
    private static final SessionInfo CAROL = session(17, "carol", "", SessionState.IDLE, "");

    private static final List<LockInfo> LOCKS = List.of(
            table(ALICE, "public", "orders", "ACCESS_EXCLUSIVE", null),
            holds(CAROL, LockKey.of("invoice:42")),
            table(BOB, "public", "orders", "SHARE", Duration.ofMillis(2_345)),
            waitsFor(BOB, LockKey.of(7, -8), Duration.ofSeconds(75)));

    @Test
    void everyLockIsARowOfAlignedColumnsThenACount() {
        assertThat(String.join("\n", LockTable.lines(LOCKS, "No locks.", 0)))
                .isEqualTo(
                        """
                        CONN  KIND      TARGET         MODE              STATUS          USER   APPLICATION  STATE                QUERY
                        4242  table     public.orders  ACCESS_EXCLUSIVE  granted         alice  billing      idle in transaction  UPDATE accounts SET balance = balance - 10 WHERE id = 7
                        17    advisory  "invoice:42"   EXCLUSIVE         granted         carol  -            idle                 -
                        4243  table     public.orders  SHARE             waiting 2.3 s   bob    reports      active               LOCK TABLE orders IN SHARE MODE
                        4243  advisory  (7,-8)         EXCLUSIVE         waiting 1m 15s  bob    reports      active               LOCK TABLE orders IN SHARE MODE
                        4 locks: 2 granted, 2 waiting.""");
    }

    @Test
    void anIdleDblockHolderShowsItsLabelAndRoleAsItsQuery() {
        SessionInfo holder =
                Records.labelled(session(4250, "app", "billing", SessionState.IDLE, ""), "dblock 77@app-1");

        assertThat(LockTable.lines(List.of(holds(holder, LockKey.of(1L))), "No locks.", 0)
                        .get(1))
                .endsWith("  billing      idle   dblock 77@app-1: holds session locks, idle");
    }

    @Test
    void theQueryIsCutToTheWidthButNeverBelowTwentyCharacters() {
        List<String> lines = LockTable.lines(List.of(LOCKS.get(0)), "No locks.", 100);

        assertThat(lines.get(1)).endsWith("  idle in transaction  UPDATE accounts S...");
        List<String> narrow = LockTable.lines(List.of(LOCKS.get(0)), "No locks.", 40);
        assertThat(narrow.get(1)).endsWith("  UPDATE accounts S...");
    }

    @Test
    void wideColumnsGiveWayToTheQueryDownToTheirMinimum() {
        SessionInfo chatty = session(
                1,
                "a-rather-long-user-name",
                "an application with a long name indeed",
                SessionState.ACTIVE,
                "x".repeat(60));
        List<String> lines = LockTable.lines(List.of(holds(chatty, LockKey.of(1L))), "No locks.", 120);

        assertThat(lines.get(0))
                .isEqualTo("CONN  KIND      TARGET  MODE       STATUS   USER      APPLICATION        STATE   QUERY");
        assertThat(lines.get(1))
                .isEqualTo("1     advisory  1       EXCLUSIVE  granted  a-rat...  an application...  active  "
                        + "x".repeat(36) + "...")
                .hasSize(120);
    }

    @Test
    void serverTextCannotBreakTheLineOrDriveTheTerminal() {
        SessionInfo hostile =
                session(5, "eve\nroot", "app\u001b[31m", SessionState.ACTIVE, "SELECT 1;\n\u001b]0;owned\u0007");
        String row = LockTable.lines(List.of(holds(hostile, LockKey.of("a\"b\\c"))), "No locks.", 0)
                .get(1);

        assertThat(row)
                .doesNotContain("\n", "\u001b", "\u0007")
                .contains("\"a\\\"b\\\\c\"", "eve root", "app\\u001b[31m", "SELECT 1; \\u001b]0;owned\\u0007");
    }

    @Test
    void noLocksIsOneLine() {
        assertThat(LockTable.lines(List.of(), "No locks match table orders.", 120))
                .containsExactly("No locks match table orders.");
    }

    @Test
    void oneLockIsCountedInTheSingular() {
        assertThat(LockTable.lines(List.of(LOCKS.get(1)), "No locks.", 0))
                .last()
                .isEqualTo("1 lock: 1 granted, 0 waiting.");
    }
}
