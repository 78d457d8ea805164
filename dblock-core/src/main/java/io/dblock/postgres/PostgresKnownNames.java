package io.dblock.postgres;

import io.dblock.LockKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The names behind the 64-bit keys this JVM has locked, so that the inspector can show {@code "invoice:42"} instead of
 * its hash. Bounded (the {@value #CAPACITY} most recently locked names); thread-safe.
 */
final class PostgresKnownNames {

    static final int CAPACITY = 10_000;

    private static final Map<Long, String> NAMES = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > CAPACITY;
        }
    };

    private PostgresKnownNames() {}

    static void remember(Iterable<LockKey> keys) {
        for (LockKey key : keys) {
            if (key.kind() == LockKey.Kind.NAME) {
                synchronized (NAMES) {
                    NAMES.put(key.longValue(), key.name().orElseThrow());
                }
            }
        }
    }

    /** The key as the user wrote it, when this JVM locked a name hashing to {@code value}. */
    static LockKey resolve(long value) {
        String name;
        synchronized (NAMES) {
            name = NAMES.get(value);
        }
        return Optional.ofNullable(name)
                .filter(n -> LockKey.hash(n) == value)
                .map(LockKey::of)
                .orElseGet(() -> LockKey.of(value));
    }
}
