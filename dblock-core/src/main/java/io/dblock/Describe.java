package io.dblock;

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

    /**
     * The tables and their modes, in the engine's own words: MySQL and MariaDB say {@code READ} and {@code WRITE} (the
     * only two modes they take, {@code SHARE} and {@code ACCESS_EXCLUSIVE} here), PostgreSQL its mode names.
     */
    static String tables(List<TableLockRequest> requests, String engine) {
        boolean mysql = engine.equals("MySQL") || engine.equals("MariaDB");
        return "tables " + list(requests, r -> r.table() + " " + (mysql ? mysqlWord(r.mode()) : r.mode()), "tables");
    }

    private static String mysqlWord(TableLockMode mode) {
        return switch (mode) {
            case SHARE -> "READ";
            case ACCESS_EXCLUSIVE -> "WRITE";
            default -> mode.toString();
        };
    }

    private static <T> String list(List<T> items, Function<T, String> name, String what) {
        if (items.size() == 1) {
            return name.apply(items.get(0));
        }
        String named = items.stream().limit(NAMED).map(name).collect(Collectors.joining(", "));
        return items.size() <= NAMED ? named : named + ", … (" + items.size() + " " + what + ")";
    }
}
