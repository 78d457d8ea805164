package io.dblock.cli;

import io.dblock.LockKey;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --key} the way the tables print keys, so a key can be copied from the output:
 *
 * <ul>
 *   <li>{@code 42}, {@code -7}: a number, {@link LockKey#of(long)};
 *   <li>{@code (1,2)}: a pair, {@link LockKey#of(int, int)};
 *   <li>{@code "invoice:42"}, {@code "42"}: a name in double quotes, {@link LockKey#of(String)}, with {@code \"} and
 *       {@code \\} inside read as {@code "} and {@code \} (the quotes make a name of digits a name);
 *   <li>anything else, such as {@code invoice:42}: a name as it stands.
 * </ul>
 */
final class KeyArgument implements ITypeConverter<LockKey> {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final Pattern PAIR = Pattern.compile("\\(\\s*(-?\\d+)\\s*,\\s*(-?\\d+)\\s*\\)");

    @Override
    public LockKey convert(String text) {
        return parse(text);
    }

    static LockKey parse(String text) {
        if (NUMBER.matcher(text).matches()) {
            try {
                return LockKey.of(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new TypeConversionException(
                        text + " does not fit a 64-bit key; for a name made of digits, quote it: '\"" + text + "\"'");
            }
        }
        Matcher pair = PAIR.matcher(text);
        if (pair.matches()) {
            try {
                return LockKey.of(Integer.parseInt(pair.group(1)), Integer.parseInt(pair.group(2)));
            } catch (NumberFormatException e) {
                throw new TypeConversionException(text + ": both numbers of a pair must fit 32 bits");
            }
        }
        String name = text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
                ? unescape(text.substring(1, text.length() - 1))
                : text;
        if (name.isEmpty()) {
            throw new TypeConversionException("a key name must not be empty");
        }
        return LockKey.of(name);
    }

    /** Undoes the escaping of {@link LockKey#toString()}: {@code \"} and {@code \\}. */
    private static String unescape(String quoted) {
        StringBuilder name = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length()) {
                c = quoted.charAt(++i);
            }
            name.append(c);
        }
        return name.toString();
    }
}
