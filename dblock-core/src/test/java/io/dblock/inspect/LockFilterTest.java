package io.dblock.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.LockKey;
import io.dblock.TableName;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LockFilterTest {

    static LockInfo table(String schema, String name, boolean granted, long connection) {
        return new LockInfo(
                LockInfo.Kind.TABLE,
                Optional.of(TableName.of(schema, name)),
                Optional.empty(),
                "ACCESS_EXCLUSIVE",
                granted,
                Optional.empty(),
                Optional.empty(),
                SessionInfo.unknown(connection));
    }

    static LockInfo advisory(LockKey key, boolean granted, long connection) {
        return new LockInfo(
                LockInfo.Kind.ADVISORY,
                Optional.empty(),
                Optional.of(key),
                "EXCLUSIVE",
                granted,
                Optional.empty(),
                Optional.empty(),
                SessionInfo.unknown(connection));
    }

    @Test
    void tableMatchesWithOrWithoutSchema() {
        LockInfo orders = table("sales", "orders", true, 1);
        assertThat(LockFilter.all().table("orders").test(orders)).isTrue();
        assertThat(LockFilter.all().table("sales.orders").test(orders)).isTrue();
        assertThat(LockFilter.all().table("public.orders").test(orders)).isFalse();
        assertThat(LockFilter.all().table("Orders").test(orders)).isFalse(); // names are literal
        assertThat(LockFilter.all().table("orders").test(advisory(LockKey.of(1L), true, 1)))
                .isFalse();
    }

    @Test
    void aNamedKeyMatchesTheLongItHashesToButNotAnotherName() {
        LockInfo seenAsLong = advisory(LockKey.of(LockKey.hash("job")), true, 1);
        assertThat(LockFilter.all().key(LockKey.of("job")).test(seenAsLong)).isTrue();
        assertThat(LockFilter.all().key(LockKey.of("other")).test(seenAsLong)).isFalse();
        assertThat(LockFilter.all().key(LockKey.of("job")).test(advisory(LockKey.of("job"), true, 1)))
                .isTrue();
        LockInfo pair = advisory(LockKey.of(1, 2), true, 1);
        assertThat(LockFilter.all().key(LockKey.of(1, 2)).test(pair)).isTrue();
        assertThat(LockFilter.all().key(LockKey.of((1L << 32) | 2)).test(pair)).isFalse(); // other key space
    }

    @Test
    void conditionsCombineAndDescribeThemselves() {
        LockFilter waitingOnSeven = LockFilter.all().connection(7).granted(false);
        assertThat(waitingOnSeven.test(table("s", "t", false, 7))).isTrue();
        assertThat(waitingOnSeven.test(table("s", "t", true, 7))).isFalse();
        assertThat(waitingOnSeven.test(table("s", "t", false, 8))).isFalse();
        assertThat(waitingOnSeven).hasToString("connection 7 and waiting");
        assertThat(LockFilter.all()).hasToString("all locks");
        assertThat(LockFilter.all().test(table("s", "t", true, 1))).isTrue();
    }

    @Test
    void nullsAreRejected() {
        assertThatThrownBy(() -> LockFilter.all().table(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> LockFilter.all().key(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void recordsRefuseInconsistentShapes() {
        assertThatThrownBy(() -> new LockInfo(
                        LockInfo.Kind.TABLE,
                        Optional.empty(),
                        Optional.of(LockKey.of(1L)),
                        "X",
                        true,
                        Optional.empty(),
                        Optional.empty(),
                        SessionInfo.unknown(1)))
                .isInstanceOf(IllegalArgumentException.class);
        String longQuery = "x".repeat(5000);
        SessionInfo session = new SessionInfo(
                1,
                Optional.empty(),
                Optional.empty(),
                SessionState.ACTIVE,
                Optional.empty(),
                Optional.empty(),
                Optional.of(longQuery));
        assertThat(session.query().orElseThrow())
                .hasSize(SessionInfo.MAX_QUERY_CHARS)
                .endsWith("…");
    }

    /** A table created in another session's open transaction has no name yet that anyone else can see. */
    @Test
    void aTableFilterKeepsTablesKnownOnlyByOid() {
        LockInfo unresolved = new LockInfo(
                LockInfo.Kind.TABLE,
                Optional.of(TableName.unresolved(16384)),
                Optional.empty(),
                "ACCESS_EXCLUSIVE",
                true,
                Optional.empty(),
                Optional.empty(),
                SessionInfo.unknown(7));

        assertThat(LockFilter.all().table("t1").test(unresolved)).isTrue();
        assertThat(LockFilter.all().table("sales.t1").test(unresolved)).isTrue();
        assertThat(LockFilter.all().key(LockKey.of(1L)).test(unresolved)).isFalse();
        assertThat(LockFilter.all().table("t1").test(table("public", "orders", true, 1)))
                .isFalse();
    }
}
