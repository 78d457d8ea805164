package io.dblock.cli.render;

import io.dblock.inspect.LockInfo;
import io.dblock.inspect.SessionState;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The words the table and the tree use for the same things, so both read alike. */
final class Cells {

    /** Shown for a value the server did not report. */
    static final String NONE = "-";

    private Cells() {}

    /** {@code "idle in transaction"} for {@link SessionState#IDLE_IN_TRANSACTION}, and so on. */
    static String state(SessionState state) {
        return state.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** {@code "table"} or {@code "advisory"}. */
    static String kind(LockInfo lock) {
        return lock.kind().name().toLowerCase(Locale.ROOT);
    }

    /** What is locked, without the kind: {@code public.orders}, {@code "invoice:42"}, {@code 42} or {@code (1,2)}. */
    static String object(LockInfo lock) {
        return lock.kind() == LockInfo.Kind.TABLE
                ? lock.table().orElseThrow().toString()
                : lock.key().orElseThrow().toString();
    }

    /** Each cell {@linkplain Text#oneLine made one line}. */
    static List<String> oneLine(String... cells) {
        return Arrays.stream(cells).map(Text::oneLine).toList();
    }

    /** The value, or {@value #NONE}. */
    static String or(Optional<String> value) {
        return value.filter(v -> !v.isEmpty()).orElse(NONE);
    }
}
