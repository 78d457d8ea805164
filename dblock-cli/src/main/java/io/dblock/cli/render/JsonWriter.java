package io.dblock.cli.render;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes one compact JSON document into a string, for {@code --format json}.
 *
 * <p>Strings are escaped per RFC 8259: {@code "} and {@code \} with a backslash, control characters as {@code \n},
 * {@code \t} (and the like) or {@code \}{@code u00XX}, and every character outside ASCII as {@code \}{@code uXXXX}
 * (surrogate pairs as two escapes). The output is therefore pure ASCII and survives any console encoding. The writer
 * does not check that names and values alternate correctly; its callers are few and tested. Not thread-safe.
 */
final class JsonWriter {

    private final StringBuilder out = new StringBuilder();

    /** Per open object or array: whether it has an element yet, so the next one needs a comma. */
    private final Deque<Boolean> hasElement = new ArrayDeque<>();

    private boolean afterName;

    JsonWriter beginObject() {
        element();
        out.append('{');
        hasElement.push(false);
        return this;
    }

    JsonWriter endObject() {
        hasElement.pop();
        out.append('}');
        return this;
    }

    JsonWriter beginArray() {
        element();
        out.append('[');
        hasElement.push(false);
        return this;
    }

    JsonWriter endArray() {
        hasElement.pop();
        out.append(']');
        return this;
    }

    /** Writes a member name; the next call writes its value. */
    JsonWriter name(String name) {
        element();
        quote(name);
        out.append(':');
        afterName = true;
        return this;
    }

    /** A string, or {@code null}. */
    JsonWriter value(String value) {
        element();
        if (value == null) {
            out.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    JsonWriter value(long value) {
        element();
        out.append(value);
        return this;
    }

    JsonWriter value(boolean value) {
        element();
        out.append(value);
        return this;
    }

    JsonWriter nullValue() {
        element();
        out.append("null");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** Writes the comma that separates this element from the previous one, if any. */
    private void element() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (!hasElement.isEmpty()) {
            if (hasElement.pop()) {
                out.append(',');
            }
            hasElement.push(true);
        }
    }

    private void quote(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
