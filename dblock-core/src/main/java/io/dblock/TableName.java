package io.dblock;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A table name, optionally qualified by a schema, taken literally.
 *
 * <p>Names are exact and case-sensitive: {@code TableName.of("Orders")} is the table whose catalog name is {@code
 * Orders}, not {@code orders}. Engines quote them ({@code "Orders"} on PostgreSQL, {@code `Orders`} on MySQL), so any
 * character is allowed, including quotes, semicolons and Unicode; such text never reaches the server unquoted.
 *
 * <p>Immutable and thread-safe. Ordered canonically by schema (unqualified first), then table.
 */
public final class TableName implements Comparable<TableName> {

    private static final Comparator<TableName> ORDER = Comparator.comparing(
                    (TableName t) -> t.schema, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(t -> t.table);

    private final String schema;
    private final String table;
    private final long oid;

    private TableName(String schema, String table) {
        this(schema, table, 0);
    }

    private TableName(String schema, String table, long oid) {
        this.schema = schema;
        this.table = table;
        this.oid = oid;
    }

    /**
     * In an inspection result only: a table that holds or awaits a lock but that the inspecting session cannot see by
     * name, known by its object id. On PostgreSQL this is a table created (or renamed, or moved to another schema) in a
     * transaction that has not committed yet: {@code pg_locks} shows its lock under the OID, and no other session sees
     * its row in {@code pg_class}. The same holds for an index or sequence created in such a transaction, which the
     * inspection cannot tell from a table. Its {@link #table()} is {@code "<oid N>"}, without a schema; it names no table
     * that could be locked.
     *
     * @param oid the object id, as {@code pg_locks.relation} shows it
     * @throws IllegalArgumentException if {@code oid} is not positive
     */
    public static TableName unresolved(long oid) {
        if (oid <= 0) {
            throw new IllegalArgumentException("an object id is positive: " + oid);
        }
        return new TableName(null, "<oid " + oid + ">", oid);
    }

    /** For {@link #unresolved} names the object id, else empty. */
    public OptionalLong oid() {
        return oid == 0 ? OptionalLong.empty() : OptionalLong.of(oid);
    }

    /**
     * A table in an explicit schema.
     *
     * @throws NullPointerException if either part is null
     * @throws IllegalArgumentException if either part is empty or contains the NUL character
     */
    public static TableName of(String schema, String table) {
        return new TableName(check(schema, "schema"), check(table, "table"));
    }

    /** An unqualified table, found through the connection's search path. */
    public static TableName of(String table) {
        return new TableName(null, check(table, "table"));
    }

    /**
     * Parses {@code "table"} or {@code "schema.table"}: the text is split at its only dot. Use {@link #of(String,
     * String)} for names that themselves contain a dot.
     *
     * @throws IllegalArgumentException if the text is empty, has more than one dot, or an empty part
     */
    public static TableName parse(String qualifiedName) {
        Objects.requireNonNull(qualifiedName, "table name must not be null");
        int dot = qualifiedName.indexOf('.');
        if (dot < 0) {
            return of(qualifiedName);
        }
        if (qualifiedName.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException("table name " + quoteForMessage(qualifiedName)
                    + " has more than one dot; use TableName.of(schema, table) for names that contain a dot");
        }
        return of(qualifiedName.substring(0, dot), qualifiedName.substring(dot + 1));
    }

    private static String check(String part, String what) {
        Objects.requireNonNull(part, () -> what + " name must not be null");
        if (part.isEmpty()) {
            throw new IllegalArgumentException(what + " name must not be empty");
        }
        if (part.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " name must not contain the NUL character");
        }
        return part;
    }

    private static String quoteForMessage(String s) {
        return '\'' + s + '\'';
    }

    /** The schema, if the name is qualified. */
    public Optional<String> schema() {
        return Optional.ofNullable(schema);
    }

    /** The table's own name. */
    public String table() {
        return table;
    }

    @Override
    public int compareTo(TableName other) {
        return ORDER.compare(this, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableName t && Objects.equals(t.schema, schema) && t.table.equals(table) && t.oid == oid;
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, table, oid);
    }

    /** {@code schema.table} or {@code table}, unquoted (for messages, not SQL). */
    @Override
    public String toString() {
        return schema == null ? table : schema + '.' + table;
    }
}
