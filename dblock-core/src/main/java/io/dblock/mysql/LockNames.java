package io.dblock.mysql;

import io.dblock.LockKey;
import io.dblock.LockUsageException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps lock keys to MySQL/MariaDB user-lock names.
 *
 * <p>The name is {@code <current database>.<key>}, where the key part is the string itself for {@link
 * LockKey#of(String)} (with one more {@code #} in front when the name starts with {@code #}, so that no name looks
 * like a number), {@code #<n>} for {@link LockKey#of(long)} and {@code #<a>,<b>} for {@link LockKey#of(int, int)}.
 * Names are server-wide, hence the database prefix. MariaDB compares them case-sensitively (like PostgreSQL, where
 * {@code "Job"} and {@code "job"} hash to different keys); MySQL 8 ignores case.
 *
 * <p>Bytes on the wire: every statement sends a name as {@code UNHEX('<hex of its UTF-8 bytes>')}, a binary string made
 * of ASCII hex digits, so what reaches {@code GET_LOCK}, {@code IS_USED_LOCK} and {@code RELEASE_LOCK} is the name's
 * UTF-8 bytes whatever the driver, {@code characterEncoding}, {@code SET NAMES} or collation of the connection. The
 * server compares lock names as those bytes: a client that calls plain {@code GET_LOCK('db.name')} on a {@code utf8mb4}
 * (or {@code utf8mb3}) connection takes the same lock; one on a {@code latin1} connection does so for ASCII names
 * only. Before, a MySQL Connector/J connection with {@code characterEncoding=latin1} sent {@code café} as latin1 bytes
 * and took a second, different lock.
 *
 * <p>MySQL refuses names over 64 characters, MariaDB names over 192 bytes. A name over either limit becomes its first
 * 31 characters, {@code ~}, and the first 32 hex digits (128 bits) of SHA-256 over the full name in UTF-8, case as
 * given: exactly 64 characters, at most 157 bytes, the same on MySQL and MariaDB.
 */
final class LockNames {

    static final int MAX_CHARS = 64;
    static final int MAX_BYTES = 192;
    /** Characters of the full name ({@code database.} prefix included) a hashed name keeps in clear. */
    static final int KEPT_CHARS = 31;

    private LockNames() {}

    /** The database prefix of a connection's names ({@code getCatalog()}: tracked by the driver, no round trip). */
    static String database(Connection connection) throws SQLException {
        String database = connection.getCatalog();
        if (database == null || database.isEmpty()) {
            throw new LockUsageException(
                    "the connection has no current database; dblock prefixes MySQL/MariaDB lock names with it, so"
                            + " name a database in the JDBC URL",
                    null);
        }
        return database;
    }

    /** The server-side names of {@code keys}, in the connection's database, in order. */
    static List<String> names(Connection connection, List<LockKey> keys) throws SQLException {
        String database = database(connection);
        List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(name(database, k)));
        return names;
    }

    static String name(String database, LockKey key) {
        return fit(database + "." + keyText(key));
    }

    static String keyText(LockKey key) {
        return switch (key.kind()) {
            case NAME ->
                key.name()
                        .filter(n -> n.startsWith("#"))
                        .map(n -> "#" + n)
                        .orElse(key.name().orElseThrow());
            case LONG -> "#" + key.longValue();
            case INT_PAIR -> "#" + key.classKey() + "," + key.objectKey();
        };
    }

    /** The hex digits of {@code name}'s UTF-8 bytes, for {@code UNHEX(?)}: ASCII, so no connection charset alters it. */
    static String hex(String name) {
        return HexFormat.of().formatHex(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The name itself if it fits both servers' limits, else its hashed form (at most 64 characters, 157 bytes). */
    static String fit(String full) {
        if (full.codePointCount(0, full.length()) <= MAX_CHARS
                && full.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return full;
        }
        String kept = full.substring(0, full.offsetByCodePoints(0, KEPT_CHARS));
        String hashed = kept + "~" + HexFormat.of().formatHex(sha256(full), 0, 16);
        synchronized (HASHED) {
            HASHED.put(hashed, full);
        }
        return hashed;
    }

    /**
     * The key behind a server-side name, for the inspector: {@code name} without the {@code database.} prefix, numeric
     * forms decoded, a hashed form resolved when this JVM made it (else kept as a name).
     *
     * @return empty if {@code name} does not start with {@code database.}
     */
    static Optional<LockKey> decode(String database, String name) {
        String full;
        synchronized (HASHED) {
            full = HASHED.getOrDefault(name, name);
        }
        String prefix = database + ".";
        if (!full.startsWith(prefix) || full.length() == prefix.length()) {
            return Optional.empty();
        }
        return Optional.of(keyOf(full.substring(prefix.length())));
    }

    /** The key whose {@link #keyText} is {@code text}; text of no numeric form is a name. */
    private static LockKey keyOf(String text) {
        if (text.startsWith("##")) {
            return LockKey.of(text.substring(1));
        }
        try {
            if (text.matches("#-?\\d+")) {
                return LockKey.of(Long.parseLong(text.substring(1)));
            }
            if (text.matches("#-?\\d+,-?\\d+")) {
                String[] parts = text.substring(1).split(",");
                return LockKey.of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException e) {
            // out of range: not one of ours; show it as a name
        }
        return LockKey.of(text);
    }

    /**
     * The full name behind a server-side name: the name itself if it is not in the hashed form, the remembered full
     * name if this JVM hashed it, else null.
     */
    static String resolve(String serverName) {
        if (!isHashed(serverName)) {
            return serverName;
        }
        synchronized (HASHED) {
            return HASHED.get(serverName);
        }
    }

    /** True for names of the hashed form: 31 characters, {@code ~}, 32 lower-case hex digits. */
    static boolean isHashed(String name) {
        if (name.codePointCount(0, name.length()) != MAX_CHARS) {
            return false;
        }
        int tilde = name.offsetByCodePoints(0, KEPT_CHARS);
        return name.charAt(tilde) == '~' && name.substring(tilde + 1).matches("[0-9a-f]{32}");
    }

    /** Hashed form → full name, for the {@value #REMEMBERED} most recently hashed names (access order). */
    private static final int REMEMBERED = 10_000;

    private static final Map<String, String> HASHED = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED;
        }
    };

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
