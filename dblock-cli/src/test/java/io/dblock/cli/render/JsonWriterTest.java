package io.dblock.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

    private static String string(String value) {
        return new JsonWriter().value(value).toString();
    }

    @Test
    void quotesAndBackslashesAreEscaped() {
        assertThat(string("say \"hi\" \\ bye")).isEqualTo("\"say \\\"hi\\\" \\\\ bye\"");
        assertThat(string("C:\\temp\\")).isEqualTo("\"C:\\\\temp\\\\\"");
    }

    @Test
    void controlCharactersUseShortEscapesWhereJsonHasThemElseUnicodeEscapes() {
        assertThat(string("\b\f\n\r\t")).isEqualTo("\"\\b\\f\\n\\r\\t\"");
        assertThat(string("\u0000\u0001\u001b\u001f\u007f")).isEqualTo("\"\\u0000\\u0001\\u001b\\u001f\\u007f\"");
    }

    @Test
    void everythingOutsideAsciiIsEscapedSoTheOutputIsPureAscii() {
        assertThat(string("café")).isEqualTo("\"caf\\u00e9\"");
        assertThat(string("日本")).isEqualTo("\"\\u65e5\\u672c\"");
        // a character outside the BMP becomes its surrogate pair, as RFC 8259 prescribes
        assertThat(string("😀")).isEqualTo("\"\\ud83d\\ude00\"");
        // line and paragraph separators would end a JavaScript string literal
        assertThat(string("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
        assertThat(string("plain ASCII: ~!@#$%^&*()_+{}|:<>?/'")).isEqualTo("\"plain ASCII: ~!@#$%^&*()_+{}|:<>?/'\"");
    }

    @Test
    void nullIsNotAString() {
        assertThat(string(null)).isEqualTo("null");
    }

    @Test
    void membersAndElementsAreSeparatedByCommasAtEveryLevel() {
        String json = new JsonWriter()
                .beginObject()
                .name("a")
                .value(1)
                .name("b")
                .beginArray()
                .value(true)
                .nullValue()
                .beginObject()
                .endObject()
                .beginArray()
                .endArray()
                .value("x")
                .endArray()
                .name("c")
                .beginObject()
                .name("d")
                .value(-2)
                .endObject()
                .name("we\"ird")
                .value(false)
                .endObject()
                .toString();

        assertThat(json).isEqualTo("{\"a\":1,\"b\":[true,null,{},[],\"x\"],\"c\":{\"d\":-2},\"we\\\"ird\":false}");
    }
}
