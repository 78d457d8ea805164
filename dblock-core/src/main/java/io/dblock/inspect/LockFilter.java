package io.dblock.inspect;

import io.dblock.LockKey;
import io.dblock.TableName;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which locks {@link LockInspector#locks(LockFilter)} returns. Immutable; each method returns a new filter that also
 * requires the given condition:
 *
 * <pre>{@code
 * inspector.locks(LockFilter.all().table("orders").granted(false)); // who waits for "orders"
 * }</pre>
 *
 * Filtering happens in Java over one snapshot of the server's lock table, so combining conditions never sees two
 * different moments.
 */
public final class LockFilter implements Predicate<LockInfo> {

    private static final LockFilter ALL = new LockFilter(lock -> true, "all locks");

    private final Predicate<LockInfo> condition;
    private final String description;

    private LockFilter(Predicate<LockInfo> condition, String description) {
        this.condition = condition;
        this.description = description;
    }

    /** The filter that keeps every lock. */
    public static LockFilter all() {
        return ALL;
    }

    /**
     * Keeps locks on one table, and locks on tables known only by OID ({@link TableName#unresolved}), which may be it:
     * a table created in a transaction not yet committed is seen by no other session under its name.
     *
     * @param table as for {@code DbLocks.tables(String...)}: {@code "orders"} (any schema) or {@code "sales.orders"}
     */
    public LockFilter table(String table) {
        Objects.requireNonNull(table, "table must not be null");
        TableName name = TableName.parse(table);
        return and(
                lock -> lock.table()
                        .filter(t -> t.oid().isPresent()
                                || (t.table().equals(name.table())
                                        && (name.schema().isEmpty()
                                                || t.schema().equals(name.schema()))))
                        .isPresent(),
                "table " + name);
    }

    /** Keeps locks on one advisory key (a named key also matches the 64-bit key it hashes to on PostgreSQL). */
    public LockFilter key(LockKey key) {
        Objects.requireNonNull(key, "key must not be null");
        return and(lock -> lock.key().filter(k -> sameKey(k, key)).isPresent(), "key " + key);
    }

    /** Keeps locks held or requested by one session. */
    public LockFilter connection(long connectionId) {
        return and(lock -> lock.connectionId() == connectionId, "connection " + connectionId);
    }

    /** Keeps granted locks ({@code true}) or waiting requests ({@code false}). */
    public LockFilter granted(boolean granted) {
        return and(lock -> lock.granted() == granted, granted ? "granted" : "waiting");
    }

    @Override
    public boolean test(LockInfo lock) {
        return condition.test(lock);
    }

    @Override
    public String toString() {
        return description;
    }

    private LockFilter and(Predicate<LockInfo> more, String what) {
        return new LockFilter(condition.and(more), this == ALL ? what : description + " and " + what);
    }

    private static boolean sameKey(LockKey found, LockKey wanted) {
        if (found.equals(wanted)) {
            return true;
        }
        return found.kind() != LockKey.Kind.INT_PAIR
                && wanted.kind() != LockKey.Kind.INT_PAIR
                && found.pgLocksId().equals(wanted.pgLocksId())
                && (found.kind() == LockKey.Kind.LONG || wanted.kind() == LockKey.Kind.LONG);
    }
}
