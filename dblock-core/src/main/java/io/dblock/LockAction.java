package io.dblock;

/**
 * Work that runs while a lock is held and returns nothing.
 *
 * @param <X> the checked exception the work may throw, passed through to the caller unchanged
 */
@FunctionalInterface
public interface LockAction<X extends Exception> {
    /** Does the work; the lock is held for the whole call and released afterwards, also when this throws. */
    void run() throws X;
}
