package io.dblock.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void lineBreaksAndTabsBecomeOneSpaceAndEdgesAreTrimmed() {
        assertThat(Text.oneLine("\n  SELECT *\r\n\tFROM   orders \n")).isEqualTo("SELECT * FROM orders");
    }

    @Test
    void controlAndFormatCharactersAreShownNotObeyed() {
        // ESC would start a terminal escape sequence; U+202E would reverse the text after it; NUL and DEL are
        // invisible.
        assertThat(Text.oneLine("a\u001b[2Jb\u202Ec\u0000d\u007fe")).isEqualTo("a\\u001b[2Jb\\u202ec\\u0000d\\u007fe");
    }

    @Test
    void unicodeTextStaysAsItIs() {
        assertThat(Text.oneLine("café \"ünïcödé\" 😀")).isEqualTo("café \"ünïcödé\" 😀");
    }

    @Test
    void cutEndsWithAnEllipsisAndKeepsShortTextWhole() {
        assertThat(Text.cut("SELECT pg_advisory_lock($1)", 12))
                .isEqualTo("SELECT pg...")
                .hasSize(12);
        assertThat(Text.cut("short", 12)).isEqualTo("short");
        assertThat(Text.cut("exactly12chr", 12)).isEqualTo("exactly12chr");
    }

    @Test
    void cutNeverSplitsASurrogatePair() {
        assertThat(Text.cut("ab😀cdefgh", 6)).isEqualTo("ab...");
    }
}
