package io.dblock.bench;

/**
 * One application node's way to take and give back one lock: its own connection or pool, and its own lock library
 * instance. Used by one thread at a time.
 */
interface LockClient extends AutoCloseable {

    /** Waits until the lock is held (retrying where the library cannot wait, counted by {@link #retries()}). */
    void acquire() throws Exception;

    /** Gives the lock back. */
    void release() throws Exception;

    /** Failed attempts so far: a ShedLock attempt that found the lock taken, a timed wait that ran out. */
    default long retries() {
        return 0;
    }

    @Override
    void close() throws Exception;
}
