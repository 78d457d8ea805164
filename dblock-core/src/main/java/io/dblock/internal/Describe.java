package io.dblock.internal;

import io.dblock.AdvisoryLockMode;
import io.dblock.LockKey;
import io.dblock.TableLockRequest;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/** How locks are named in messages. */
final class Describe {

    private Describe() {}

    /** At most this many keys or tables are named; the rest are counted. */
    static final int NAMED = 10;

    static String advisory(List<LockKey> keys, AdvisoryLockMode mode) {
        return "advisory " + (mode == AdvisoryLockMode.SHARED ? "shared " : "") + list(keys, LockKey::toString, "keys");
    }

    static String tables(List<TableLockRequest> requests) {
        return "tables " + list(requests, r -> r.table() + " " + r.mode(), "tables");
    }

    private static <T> String list(List<T> items, Function<T, String> name, String what) {
        if (items.size() == 1) {
            return name.apply(items.get(0));
        }
        String named = items.stream().limit(NAMED).map(name).collect(Collectors.joining(", "));
        return items.size() <= NAMED ? named : named + ", … (" + items.size() + " " + what + ")";
    }
}
