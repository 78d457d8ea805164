package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class LockKeyTest {

    @Test
    void stringKeysUseTheFirstEightBytesOfSha256LittleEndian() {
        // sha256("hello") = 2cf24dba5fb0a30e...; little-endian 0x0ea3b05fba4df22c
        assertThat(LockKey.hash("hello")).isEqualTo(0x0ea3b05fba4df22cL);
        assertThat(LockKey.of("hello").pgLocksId()).isEqualTo(new PgLocksId(245608543L, 3125670444L, 1));
    }

    @Test
    void longKeysSplitIntoUnsignedHighAndLowWords() {
        assertThat(LockKey.of(Long.MAX_VALUE).pgLocksId()).isEqualTo(new PgLocksId(2147483647L, 4294967295L, 1));
        assertThat(LockKey.of(-1L).pgLocksId()).isEqualTo(new PgLocksId(4294967295L, 4294967295L, 1));
        assertThat(LockKey.of(Long.MIN_VALUE).pgLocksId()).isEqualTo(new PgLocksId(2147483648L, 0L, 1));
    }

    @Test
    void intPairsKeepTheirIntsInTheSecondKeySpace() {
        LockKey key = LockKey.of(-2, 7);
        assertThat(key.pgLocksId()).isEqualTo(new PgLocksId(4294967294L, 7L, 2));
        assertThat(key.classKey()).isEqualTo(-2);
        assertThat(key.objectKey()).isEqualTo(7);
        assertThatThrownBy(key::longValue).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void namesWithQuotesSemicolonsAndUnicodeAreOrdinaryKeys() {
        LockKey key = LockKey.of("'; DROP TABLE x; -- \"ünï\u00e7ødé\" 🔒");
        assertThat(key.name()).contains("'; DROP TABLE x; -- \"ünï\u00e7ødé\" 🔒");
        assertThat(key.longValue()).isEqualTo(LockKey.hash("'; DROP TABLE x; -- \"ünï\u00e7ødé\" 🔒"));
    }

    @Test
    void emptyAndNullNamesAreRejected() {
        assertThatThrownBy(() -> LockKey.of(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> LockKey.of((String) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null");
    }

    @Test
    void canonicalOrderIsByServerIdentityAndTotal() {
        TreeSet<LockKey> keys = new TreeSet<>(List.of(
                LockKey.of(1, 1), LockKey.of(-1L), LockKey.of(5L), LockKey.of("a"), LockKey.of(0, 0), LockKey.of(5L)));
        assertThat(keys).hasSize(5);
        assertThat(keys.first()).isEqualTo(LockKey.of(5L)); // bigint space first, unsigned order: 5 < 2^64-1
        assertThat(keys.last()).isEqualTo(LockKey.of(1, 1));
        assertThat(LockKey.of("x")).isNotEqualTo(LockKey.of(LockKey.hash("x")));
        assertThat(LockKey.of("x").compareTo(LockKey.of(LockKey.hash("x")))).isNotZero();
    }

    @Test
    void toStringShowsTheKeyAsUsersWroteIt() {
        assertThat(LockKey.of("in\"voice")).hasToString("\"in\\\"voice\"");
        assertThat(LockKey.of(42L)).hasToString("42");
        assertThat(LockKey.of(1, 2)).hasToString("(1,2)");
    }
}
