package io.dblock.cli.render;

import static io.dblock.cli.render.Records.holds;
import static io.dblock.cli.render.Records.node;
import static io.dblock.cli.render.Records.session;
import static io.dblock.cli.render.Records.table;
import static io.dblock.cli.render.Records.waitsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.LockKey;
import io.dblock.inspect.SessionInfo;
import io.dblock.inspect.SessionState;
import io.dblock.inspect.WaitNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LockJsonTest {

    private static final SessionInfo ALICE =
            session(4242, "alice", "billing", SessionState.IDLE_IN_TRANSACTION, "UPDATE t SET v = 'x'\n");
    private static final SessionInfo BOB = session(4243, "bob", "", SessionState.ACTIVE, "");

    @Test
    void aLockHasEveryFieldWithNullForWhatIsAbsent() {
        String json = LockJson.locks(
                List.of(table(ALICE, "public", "orders", "ACCESS_EXCLUSIVE", null)), "PostgreSQL", "17.6", "NONE");

        assertThat(json)
                .isEqualTo(
                        "{\"engine\":\"PostgreSQL\",\"serverVersion\":\"17.6\",\"pooler\":\"NONE\",\"locks\":[{\"connectionId\":4242,"
                                + "\"kind\":\"TABLE\",\"target\":\"table public.orders\",\"table\":{\"schema\":\"public\","
                                + "\"name\":\"orders\"},\"key\":null,\"mode\":\"ACCESS_EXCLUSIVE\",\"granted\":true,"
                                + "\"waitingSince\":null,\"waitedMillis\":null,\"session\":{\"connectionId\":4242,"
                                + "\"user\":\"alice\",\"applicationName\":\"billing\",\"state\":\"IDLE_IN_TRANSACTION\","
                                + "\"stateSince\":\"2025-01-02T03:04:05.678Z\",\"transactionStart\":\"2025-01-02T03:03:05.678Z\","
                                + "\"query\":\"UPDATE t SET v = 'x'\\n\",\"dblockLabel\":null}}]}");
    }

    @Test
    void aDblockHoldersSessionCarriesItsLabel() {
        SessionInfo holder =
                Records.labelled(session(4250, "app", "billing", SessionState.IDLE, ""), "dblock 77@app-1");

        assertThat(LockJson.locks(List.of(holds(holder, LockKey.of(1L))), "PostgreSQL", "17.6", "NONE"))
                .contains("\"applicationName\":\"billing\"")
                .contains("\"query\":null,\"dblockLabel\":\"dblock 77@app-1\"}");
    }

    @Test
    void keysOfEachKindKeepTheirParts() {
        String json = LockJson.locks(
                List.of(
                        holds(BOB, LockKey.of("inv\"oice\\42 é")),
                        holds(BOB, LockKey.of(-42L)),
                        waitsFor(BOB, LockKey.of(7, -8), Duration.ofMillis(1_500))),
                "MariaDB",
                "11.4.5-MariaDB",
                "TRANSACTION");

        assertThat(json)
                .contains("\"pooler\":\"TRANSACTION\"")
                .contains("\"key\":{\"kind\":\"NAME\",\"name\":\"inv\\\"oice\\\\42 \\u00e9\"}")
                .contains("\"target\":\"advisory \\\"inv\\\\\\\"oice\\\\\\\\42 \\u00e9\\\"\"")
                .contains("\"key\":{\"kind\":\"LONG\",\"value\":-42,\"valueString\":\"-42\"}")
                .contains("\"key\":{\"kind\":\"INT_PAIR\",\"classKey\":7,\"objectKey\":-8}")
                .contains("\"granted\":false,\"waitingSince\":\"2025-01-02T03:04:04.178Z\",\"waitedMillis\":1500")
                .contains("\"user\":\"bob\",\"applicationName\":null")
                .contains("\"query\":null")
                .doesNotContain("\n");
    }

    @Test
    void theWaitTreeNestsTheSessionsEachBlocks() {
        SessionInfo carol = session(4244, "carol", "", SessionState.ACTIVE, "SELECT 1");
        String json = LockJson.waitTree(
                List.of(node(
                        ALICE,
                        null,
                        node(
                                BOB,
                                waitsFor(BOB, LockKey.of(1L), Duration.ofMillis(300)),
                                node(carol, waitsFor(carol, LockKey.of(2L), Duration.ofMillis(100)))))),
                "PostgreSQL",
                "17.6",
                "NONE");

        assertThat(json)
                .startsWith(
                        "{\"engine\":\"PostgreSQL\",\"serverVersion\":\"17.6\",\"pooler\":\"NONE\",\"waitTree\":[{\"session\":"
                                + "{\"connectionId\":4242,")
                .contains(
                        "\"waitingFor\":null,\"waitedMillis\":null,\"blockedCount\":2,\"blockedBy\":[],\"repeated\":false,"
                                + "\"blocks\":[{\"session\":"
                                + "{\"connectionId\":4243,")
                .contains("\"waitingFor\":{\"connectionId\":4243,\"kind\":\"ADVISORY\",\"target\":\"advisory 1\","
                        + "\"table\":null,\"key\":{\"kind\":\"LONG\",\"value\":1,\"valueString\":\"1\"},\"mode\":\"EXCLUSIVE\","
                        + "\"granted\":false,\"waitingSince\":\"2025-01-02T03:04:05.378Z\",\"waitedMillis\":300},"
                        + "\"waitedMillis\":300,\"blockedCount\":1,\"blockedBy\":[],\"repeated\":false,\"blocks\":[{\"session\":"
                        + "{\"connectionId\":4244,")
                .endsWith(
                        "\"waitedMillis\":100,\"blockedCount\":0,\"blockedBy\":[],\"repeated\":false,\"blocks\":[]}]}]}]}");
    }

    /** JavaScript and jq round numbers above 2^53: the exact value is also a string. */
    @Test
    void longKeysAboveTwoToTheFiftyThirdAreAlsoGivenAsExactStrings() {
        String json = LockJson.locks(
                List.of(holds(BOB, LockKey.of(Long.MAX_VALUE)), holds(BOB, LockKey.of(LockKey.hash("invoice:42")))),
                "PostgreSQL",
                "17.6",
                "NONE");

        assertThat(json)
                .contains("\"key\":{\"kind\":\"LONG\",\"value\":9223372036854775807,"
                        + "\"valueString\":\"9223372036854775807\"}")
                .contains("\"valueString\":\"" + LockKey.hash("invoice:42") + "\"}");
    }

    /** A session waiting for two shows its blockers; its second appearance is marked repeated, without children. */
    @Test
    void aSessionWithSeveralBlockersListsThemAndIsMarkedRepeatedAfterItsFirstAppearance() {
        SessionInfo carol = session(4244, "carol", "", SessionState.ACTIVE, "SELECT 1");
        WaitNode first = new WaitNode(
                BOB,
                Optional.of(waitsFor(BOB, LockKey.of(1L), Duration.ofMillis(300))),
                Optional.of(Duration.ofMillis(300)),
                List.of(node(carol, waitsFor(carol, LockKey.of(1L), Duration.ofMillis(100)))),
                List.of(4242L, 4245L),
                1,
                false);
        WaitNode again = new WaitNode(BOB, first.waitingFor(), first.waited(), List.of(), first.blockedBy(), 1, true);
        SessionInfo dave = session(4245, "dave", "", SessionState.IDLE, "");
        String json = LockJson.waitTree(
                List.of(
                        new WaitNode(ALICE, Optional.empty(), Optional.empty(), List.of(first), List.of(), 2, false),
                        new WaitNode(dave, Optional.empty(), Optional.empty(), List.of(again), List.of(), 2, false)),
                "PostgreSQL",
                "17.6",
                "NONE");

        assertThat(json)
                .contains("\"blockedCount\":1,\"blockedBy\":[4242,4245],\"repeated\":false,\"blocks\":[{\"session\":"
                        + "{\"connectionId\":4244,")
                .endsWith("\"blockedCount\":1,\"blockedBy\":[4242,4245],\"repeated\":true,\"blocks\":[]}]}]}");
        assertThat(json.split("\"blockedCount\":2,", -1)).hasSize(3);
    }

    @Test
    void noLocksIsAnEmptyList() {
        assertThat(LockJson.locks(List.of(), "PostgreSQL", "17.6", "NONE"))
                .isEqualTo("{\"engine\":\"PostgreSQL\",\"serverVersion\":\"17.6\",\"pooler\":\"NONE\",\"locks\":[]}");
        assertThat(LockJson.waitTree(List.of(), "PostgreSQL", "17.6", "NONE"))
                .isEqualTo(
                        "{\"engine\":\"PostgreSQL\",\"serverVersion\":\"17.6\",\"pooler\":\"NONE\",\"waitTree\":[]}");
    }
}
