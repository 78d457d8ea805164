package io.dblock;

import io.dblock.spi.Fencing;
import io.dblock.spi.Inspection;
import io.dblock.spi.LockEngine;
import io.dblock.spi.LockNameListing;
import io.dblock.spi.LockTimeouts;
import io.dblock.spi.Prioritising;
import io.dblock.spi.SessionControl;
import io.dblock.spi.TableLocks;
import io.dblock.spi.TransactionLocks;
import java.util.Map;

/**
 * The one place that turns an engine's missing facet (or lock mode) into {@link UnsupportedLockException}, with what
 * the engine lacks and what to use instead. Engines never throw it for a capability they do not have: they just do
 * not implement the facet.
 */
final class Facets {

    /** Per facet: what is missing (after the engine's name) and what to use instead. */
    private static final Map<Class<?>, String> MISSING = Map.of(
            TableLocks.class,
            "has no table locks: use an advisory lock named after the table, taken by every writer",
            TransactionLocks.class,
            "has no transaction-scoped advisory locks (its named locks are not released by COMMIT or ROLLBACK): use a"
                    + " session lock (acquire()) and release it after the commit, or a table lock"
                    + " (TableLock.inTransaction)",
            Fencing.class,
            "has no fencing tokens: check the hold with LockHandle.confirmHeld() right before each write instead",
            Inspection.class,
            "cannot list locks or sessions: ask isLocked()/holderConnectionIds() of a lock instead",
            Prioritising.class,
            "cannot tell whom a waiting session waits for, so waits cannot be prioritised: acquire without"
                    + " priority(...)",
            SessionControl.class,
            "cannot cancel or end other sessions: end them with the server's own tools",
            LockTimeouts.class,
            "cannot scope lock timeouts: give each lock its own wait (tryAcquire(Duration), timeout(...)) instead",
            LockNameListing.class,
            "locks cannot be listed by name prefix (they have no names on the server: PostgreSQL advisory keys are"
                    + " numbers, and string keys are hashed): ask isLocked()/holderConnectionIds() of a lock instead");

    private Facets() {}

    /**
     * The engine's implementation of {@code facet}.
     *
     * @param lock the lock or operation asked for, for the exception; may be null
     * @throws UnsupportedLockException if the engine lacks it
     */
    static <T> T require(LockEngine engine, Class<T> facet, String lock) {
        return engine.facet(facet).orElseThrow(() -> missing(engine, facet, lock));
    }

    /** True if the engine has {@code facet}. */
    static boolean has(LockEngine engine, Class<?> facet) {
        return engine.facet(facet).isPresent();
    }

    /** The exception for a missing facet. */
    static UnsupportedLockException missing(LockEngine engine, Class<?> facet, String lock) {
        String what = MISSING.get(facet);
        if (what == null) {
            throw new IllegalArgumentException("not a facet of io.dblock.spi: " + facet.getName());
        }
        return new UnsupportedLockException(engine.name() + " " + what, lock);
    }

    /**
     * Checks that the engine has advisory locks of {@code mode}.
     *
     * @throws UnsupportedLockException if not
     */
    static void requireMode(LockEngine engine, AdvisoryLockMode mode, String lock) {
        if (!engine.modes().contains(mode)) {
            throw new UnsupportedLockException(
                    engine.name() + " has no " + mode.name().toLowerCase(java.util.Locale.ROOT) + " named locks"
                            + (mode == AdvisoryLockMode.SHARED
                                    ? " (its named locks are always exclusive): use an exclusive lock, or a table lock"
                                            + " with read(...) for readers that exclude writers, or an engine with"
                                            + " shared advisory locks (PostgreSQL)"
                                    : ""),
                    lock);
        }
    }
}
