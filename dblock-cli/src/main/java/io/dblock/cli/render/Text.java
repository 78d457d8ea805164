package io.dblock.cli.render;

/**
 * Makes server-supplied text (queries, names, application names) safe and short enough for one line of a terminal.
 *
 * <p>Everything shown comes from other sessions, so it may contain anything: line breaks in a query, or escape
 * sequences that a terminal would obey. Whitespace runs become one space; other control and format characters (ESC,
 * NUL, bidirectional overrides) are shown as {@code \}{@code uXXXX} escapes, so they can be seen and never act.
 */
public final class Text {

    /** What {@link #cut} ends a shortened text with: ASCII, so it survives any console encoding. */
    static final String ELLIPSIS = "...";

    private Text() {}

    /**
     * One line of printable text.
     *
     * @param text any text
     * @return the text with whitespace runs collapsed to single spaces (trimmed) and other control and format
     *     characters escaped
     */
    public static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = out.length() > 0;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Shortens text to at most {@code width} characters, ending it with {@value #ELLIPSIS} when cut.
     *
     * @param text the text, already {@linkplain #oneLine one line}
     * @param width the most characters to keep; at least 4
     * @return the text itself if short enough, else its start and the ellipsis
     */
    public static String cut(String text, int width) {
        if (text.length() <= width) {
            return text;
        }
        int keep = Math.max(1, width - ELLIPSIS.length());
        if (Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--; // never split a character outside the Basic Multilingual Plane
        }
        return text.substring(0, keep) + ELLIPSIS;
    }

    /** {@code text} followed by spaces up to {@code width} characters. */
    static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
