package io.dblock;

import java.util.EnumSet;
import java.util.Set;

/**
 * The eight PostgreSQL table lock modes, weakest first, with the server's conflict matrix.
 *
 * <p>{@link #conflictsWith(TableLockMode)} implements the documented table ("Conflicting Lock Modes" in the PostgreSQL
 * manual): two transactions cannot hold conflicting modes on one table at once, but one transaction never conflicts
 * with itself. MySQL and MariaDB have two table lock kinds; see {@link TableLock#read} and {@link TableLock#write} for the
 * mapping.
 */
public enum TableLockMode {
    /** {@code ACCESS SHARE}: what {@code SELECT} takes. Conflicts only with {@link #ACCESS_EXCLUSIVE}. */
    ACCESS_SHARE("ACCESS SHARE"),
    /** {@code ROW SHARE}: what {@code SELECT ... FOR UPDATE/SHARE} takes. */
    ROW_SHARE("ROW SHARE"),
    /** {@code ROW EXCLUSIVE}: what {@code INSERT}, {@code UPDATE}, {@code DELETE} take. */
    ROW_EXCLUSIVE("ROW EXCLUSIVE"),
    /** {@code SHARE UPDATE EXCLUSIVE}: {@code VACUUM}, {@code ANALYZE}, {@code CREATE INDEX CONCURRENTLY}. Self-conflicting. */
    SHARE_UPDATE_EXCLUSIVE("SHARE UPDATE EXCLUSIVE"),
    /** {@code SHARE}: {@code CREATE INDEX}; blocks writers, admits readers and other {@code SHARE} holders. */
    SHARE("SHARE"),
    /** {@code SHARE ROW EXCLUSIVE}: blocks writers and is self-conflicting; one "writer that lets readers in". */
    SHARE_ROW_EXCLUSIVE("SHARE ROW EXCLUSIVE"),
    /** {@code EXCLUSIVE}: only {@link #ACCESS_SHARE} (plain reads) can run alongside it. */
    EXCLUSIVE("EXCLUSIVE"),
    /** {@code ACCESS EXCLUSIVE}: conflicts with everything, even plain reads. The default of {@code LOCK TABLE}. */
    ACCESS_EXCLUSIVE("ACCESS EXCLUSIVE");

    private final String sql;

    TableLockMode(String sql) {
        this.sql = sql;
    }

    /** The mode as PostgreSQL spells it in {@code LOCK TABLE ... IN <mode> MODE}, e.g. {@code "SHARE ROW EXCLUSIVE"}. */
    public String sql() {
        return sql;
    }

    /**
     * True if a transaction requesting this mode must wait while another transaction holds {@code held} on the same
     * table. The relation is symmetric.
     */
    public boolean conflictsWith(TableLockMode held) {
        return conflicts().contains(held);
    }

    /** The modes this one conflicts with, as an unmodifiable set. */
    public Set<TableLockMode> conflicts() {
        return switch (this) {
            case ACCESS_SHARE -> Set.of(ACCESS_EXCLUSIVE);
            case ROW_SHARE -> Set.of(EXCLUSIVE, ACCESS_EXCLUSIVE);
            case ROW_EXCLUSIVE -> Set.of(SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
            case SHARE_UPDATE_EXCLUSIVE ->
                Set.copyOf(EnumSet.of(SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE));
            case SHARE ->
                Set.copyOf(EnumSet.of(
                        ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE));
            case SHARE_ROW_EXCLUSIVE -> Set.copyOf(EnumSet.range(ROW_EXCLUSIVE, ACCESS_EXCLUSIVE));
            case EXCLUSIVE -> Set.copyOf(EnumSet.range(ROW_SHARE, ACCESS_EXCLUSIVE));
            case ACCESS_EXCLUSIVE -> Set.copyOf(EnumSet.allOf(TableLockMode.class));
        };
    }
}
