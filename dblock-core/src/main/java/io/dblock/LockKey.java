package io.dblock;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * Identifies one advisory (named) lock: a {@code long}, a pair of {@code int}s or a {@code String} name.
 *
 * <p>On PostgreSQL the three forms map onto the server's two key spaces:
 *
 * <ul>
 *   <li>{@link #of(long)} is the {@code bigint} key of {@code pg_advisory_lock(bigint)};
 *   <li>{@link #of(int, int)} is the {@code (int4, int4)} key of {@code pg_advisory_lock(int4, int4)}, a key space that
 *       never overlaps the {@code bigint} one;
 *   <li>{@link #of(String)} is hashed into the {@code bigint} space: the first 8 bytes of the SHA-256 digest of the
 *       name's UTF-8 bytes, read as a little-endian signed 64-bit integer. This is the scheme django-pglock uses, so a
 *       Java and a Python service lock the same name; it never depends on {@code hashtext()} (which changed between
 *       PostgreSQL versions) or {@link String#hashCode()}. Two names collide with probability about 2<sup>-64</sup>
 *       per pair.
 * </ul>
 *
 * <p>{@link #pgLocksId()} gives the {@code (classid, objid, objsubid)} under which {@code pg_locks} shows the key.
 *
 * <p>Keys are immutable, thread-safe values. They order canonically ({@link #compareTo}) by their PostgreSQL identity, so
 * every process that locks several keys locks them in the same order.
 */
public final class LockKey implements Comparable<LockKey> {

    /** The form a key was created from. */
    public enum Kind {
        /** {@link LockKey#of(long)}. */
        LONG,
        /** {@link LockKey#of(int, int)}. */
        INT_PAIR,
        /** {@link LockKey#of(String)}. */
        NAME
    }

    private final Kind kind;
    private final long value;
    private final String name;

    private LockKey(Kind kind, long value, String name) {
        this.kind = kind;
        this.value = value;
        this.name = name;
    }

    /** A key in the {@code bigint} key space; every {@code long} is valid. */
    public static LockKey of(long key) {
        return new LockKey(Kind.LONG, key, null);
    }

    /** A key in the two-{@code int} key space ({@code pg_advisory_lock(int4, int4)}); every pair is valid. */
    public static LockKey of(int classKey, int objectKey) {
        return new LockKey(Kind.INT_PAIR, ((long) classKey << 32) | (objectKey & 0xFFFF_FFFFL), null);
    }

    /**
     * A key named by a string, hashed as described in the class comment.
     *
     * @param name any non-empty string of valid Unicode without NUL; quotes, semicolons, whitespace and any other
     *     character are fine, the name never becomes SQL text
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is empty, contains NUL (U+0000: MySQL and MariaDB end names
     *     there, so {@code "a\0b"} would be the lock {@code "a"}) or an unpaired surrogate (not Unicode: its UTF-8
     *     form would be {@code '?'}, so different names would be one lock)
     */
    public static LockKey of(String name) {
        requireValidName(name);
        return new LockKey(Kind.NAME, hash(name), name);
    }

    /** The checks {@link #of(String)} documents. */
    private static void requireValidName(String name) {
        Objects.requireNonNull(name, "lock name must not be null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("lock name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("lock name must not contain NUL (U+0000), found at index " + i
                        + ": MySQL and MariaDB end names there, so it would lock a shorter name");
            }
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("lock name has an unpaired surrogate (U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + ") at index " + i
                        + ": it is not Unicode and has no UTF-8 form, so different names would be one lock");
            }
        }
    }

    /**
     * The 64-bit key PostgreSQL uses for {@code name}: the first 8 bytes of SHA-256 over its UTF-8 bytes, little-endian,
     * signed.
     */
    public static long hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, Long.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** Which factory made this key. */
    public Kind kind() {
        return kind;
    }

    /** The name given to {@link #of(String)}, or empty for numeric keys. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /**
     * The 64-bit value of a {@link Kind#LONG} or {@link Kind#NAME} key (for a name: its hash).
     *
     * @throws IllegalStateException for an {@link Kind#INT_PAIR} key, which has no 64-bit form on the server
     */
    public long longValue() {
        if (kind == Kind.INT_PAIR) {
            throw new IllegalStateException("an (int, int) key has no single 64-bit value: use classKey()/objectKey()");
        }
        return value;
    }

    /** The first {@code int} of an {@link Kind#INT_PAIR} key; for the other kinds the high 32 bits of the value. */
    public int classKey() {
        return (int) (value >>> 32);
    }

    /** The second {@code int} of an {@link Kind#INT_PAIR} key; for the other kinds the low 32 bits of the value. */
    public int objectKey() {
        return (int) value;
    }

    /** Where {@code pg_locks} shows this key: {@code classid}, {@code objid} (unsigned) and {@code objsubid}. */
    public PgLocksId pgLocksId() {
        return new PgLocksId(value >>> 32, value & 0xFFFF_FFFFL, kind == Kind.INT_PAIR ? 2 : 1);
    }

    /**
     * Canonical order: by {@code objsubid}, then by unsigned {@code classid} and {@code objid} (the server identity), then
     * by kind and name so that distinct keys never compare equal.
     */
    @Override
    public int compareTo(LockKey other) {
        int c = Integer.compare(pgLocksId().objsubid(), other.pgLocksId().objsubid());
        if (c == 0) {
            c = Long.compareUnsigned(value, other.value);
        }
        if (c == 0) {
            c = kind.compareTo(other.kind);
        }
        if (c == 0 && name != null) {
            c = name.compareTo(other.name);
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LockKey k && k.kind == kind && k.value == value && Objects.equals(k.name, name);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value) * 31 + kind.hashCode();
    }

    /** {@code "name"} for names (quoted, Java-escaped), {@code 42} for longs, {@code (1,2)} for pairs. */
    @Override
    public String toString() {
        return switch (kind) {
            case LONG -> Long.toString(value);
            case INT_PAIR -> "(" + classKey() + "," + objectKey() + ")";
            case NAME -> '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        };
    }
}
