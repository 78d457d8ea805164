package io.dblock;

/** Whether an advisory lock excludes every other holder or only exclusive ones. */
public enum AdvisoryLockMode {
    /** One holder at a time ({@code pg_advisory_lock}, MySQL {@code GET_LOCK}). The default. */
    EXCLUSIVE,
    /**
     * Any number of shared holders, excluded by an exclusive holder ({@code pg_advisory_lock_shared}). PostgreSQL only.
     */
    SHARED;

    /** True if a holder in {@code this} mode and one in {@code other} mode cannot hold the same key at once. */
    public boolean conflictsWith(AdvisoryLockMode other) {
        return this == EXCLUSIVE || other == EXCLUSIVE;
    }
}
