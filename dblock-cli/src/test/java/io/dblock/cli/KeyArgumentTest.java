package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dblock.LockKey;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** {@code --key} reads keys the way the output prints them ({@link LockKey#toString()}). */
class KeyArgumentTest {

    @Test
    void digitsAreANumericKey() {
        assertThat(KeyArgument.parse("42")).isEqualTo(LockKey.of(42L));
        assertThat(KeyArgument.parse("-9223372036854775808")).isEqualTo(LockKey.of(Long.MIN_VALUE));
    }

    @Test
    void aParenthesisedPairIsAnIntPairKey() {
        assertThat(KeyArgument.parse("(1,2)")).isEqualTo(LockKey.of(1, 2));
        assertThat(KeyArgument.parse("( -7 , 8 )")).isEqualTo(LockKey.of(-7, 8));
    }

    @Test
    void quotesMakeAName() {
        assertThat(KeyArgument.parse("\"42\"")).isEqualTo(LockKey.of("42"));
        assertThat(KeyArgument.parse("\"invoice:42\"")).isEqualTo(LockKey.of("invoice:42"));
        assertThat(KeyArgument.parse("\"(1,2)\"")).isEqualTo(LockKey.of("(1,2)"));
    }

    @Test
    void anythingElseIsANameAsItStands() {
        assertThat(KeyArgument.parse("invoice:42")).isEqualTo(LockKey.of("invoice:42"));
        assertThat(KeyArgument.parse("4 2")).isEqualTo(LockKey.of("4 2"));
        assertThat(KeyArgument.parse("\"")).isEqualTo(LockKey.of("\""));
    }

    @Test
    void everyKeyReadsBackFromItsOwnPrintedForm() {
        for (LockKey key : new LockKey[] {
            LockKey.of(0L),
            LockKey.of(-1L),
            LockKey.of(Integer.MIN_VALUE, Integer.MAX_VALUE),
            LockKey.of("plain"),
            LockKey.of("123"),
            LockKey.of("with \"quotes\" and \\ backslashes\\"),
            LockKey.of("ünïcödé 😀")
        }) {
            assertThat(KeyArgument.parse(key.toString())).as(key.toString()).isEqualTo(key);
        }
    }

    @Test
    void numbersThatDoNotFitAreRefusedWithAHint() {
        assertThatThrownBy(() -> KeyArgument.parse("9223372036854775808"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("quote it");
        assertThatThrownBy(() -> KeyArgument.parse("(1,2147483648)")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> KeyArgument.parse("\"\"")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> KeyArgument.parse("")).isInstanceOf(TypeConversionException.class);
    }
}
