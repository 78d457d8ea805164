package io.dblock;

import java.util.Objects;

/**
 * One table and the mode to lock it in.
 *
 * @param table the table, never null
 * @param mode the mode, never null
 */
public record TableLockRequest(TableName table, TableLockMode mode) implements Comparable<TableLockRequest> {

    /** Validates both parts. */
    public TableLockRequest {
        Objects.requireNonNull(table, "table must not be null");
        Objects.requireNonNull(mode, "mode must not be null");
    }

    /** Canonical order: by table name, then mode (weakest first). */
    @Override
    public int compareTo(TableLockRequest o) {
        int c = table.compareTo(o.table);
        return c != 0 ? c : mode.compareTo(o.mode);
    }
}
