package io.dblock.inspect;

import io.dblock.LockKey;
import io.dblock.TableName;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One lock held or requested on the server, as {@link LockInspector#locks()} reports it.
 *
 * @param kind table lock or advisory/named lock
 * @param table for {@link Kind#TABLE}: the table, view or partition
 * @param key for {@link Kind#ADVISORY}: the key, decoded. PostgreSQL: {@link LockKey#of(long)} or {@link
 *     LockKey#of(int, int)} from {@code pg_locks}; when the 64-bit value is the hash of a name that a {@code DbLocks}
 *     in this JVM has locked, {@link LockKey#of(String)} of that name. MySQL/MariaDB: the name without the database
 *     prefix, {@code #n} and {@code #a,b} decoded back to numeric keys, a hashed long name resolved when this JVM locked
 *     it (else the hashed form as the name)
 * @param mode the lock mode. Tables: PostgreSQL {@link io.dblock.TableLockMode} names ({@code "ACCESS_EXCLUSIVE"});
 *     MySQL/MariaDB {@code "READ"} and {@code "WRITE"} for {@code LOCK TABLES}, else the metadata-lock type (such as
 *     {@code "SHARED_READ"} for a running query). Advisory: {@code "EXCLUSIVE"} or {@code "SHARED"}
 * @param granted true if held, false if waiting
 * @param waitingSince for a waiting request, when the wait began (PostgreSQL 14+: exact; older: the statement's start;
 *     MySQL/MariaDB: whole seconds)
 * @param waited for a waiting request, how long it has waited at inspection time
 * @param session the holder or waiter
 */
public record LockInfo(
        Kind kind,
        Optional<TableName> table,
        Optional<LockKey> key,
        String mode,
        boolean granted,
        Optional<Instant> waitingSince,
        Optional<Duration> waited,
        SessionInfo session) {

    /** What is locked. */
    public enum Kind {
        /** A table lock: PostgreSQL relation lock, MySQL/MariaDB table metadata lock. */
        TABLE,
        /** An advisory lock (PostgreSQL) or user-level named lock (MySQL/MariaDB {@code GET_LOCK}). */
        ADVISORY
    }

    /** Checks that no component is null and that exactly one of table and key is present. */
    public LockInfo {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(waitingSince, "waitingSince");
        Objects.requireNonNull(waited, "waited");
        Objects.requireNonNull(session, "session");
        if (table.isPresent() == (kind == Kind.ADVISORY) || key.isPresent() == (kind == Kind.TABLE)) {
            throw new IllegalArgumentException(kind + " lock needs " + (kind == Kind.TABLE ? "a table" : "a key"));
        }
    }

    /** The holder's or waiter's connection id: {@code session().connectionId()}. */
    public long connectionId() {
        return session.connectionId();
    }

    /** What is locked, for people: {@code table public.orders} or {@code advisory "invoice:42"} (table names unquoted, as {@link io.dblock.TableName#toString()} writes them). */
    public String target() {
        return kind == Kind.TABLE ? "table " + table.orElseThrow() : "advisory " + key.orElseThrow();
    }
}
