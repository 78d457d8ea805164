package io.dblock.cli;

import io.dblock.DbLocks;
import io.dblock.LockHandle;
import io.dblock.LockKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * A client of the database with a thread and a {@link DbLocks} of its own, as a separate application would be: the
 * tests use a few of them to set up real contention for the jar to inspect.
 *
 * <p>Every lock operation runs on the contender's one thread, because a session lock belongs to the thread that took
 * it; nested locks share that thread's pinned session, so a contender holding one key and waiting for another is one
 * session. Operations queue behind each other: a request that waits blocks the ones submitted after it. {@link
 * #close()} releases everything the contender holds (after its pending request ends), so closing contenders from the
 * first holder to the last waiter unwinds any chain.
 */
final class Contender implements AutoCloseable {

    /** How long a request waits on the server before giving up; far beyond what a test needs. */
    static final Duration REQUEST_LIMIT = Duration.ofSeconds(30);

    private static final long STEP_SECONDS = 10;

    private final DbLocks locks;
    private final ExecutorService thread;
    private final List<LockHandle> held = new ArrayList<>(); // used on the thread only
    private final CountDownLatch endTransactions = new CountDownLatch(1);

    Contender(String name, DataSource dataSource) {
        // one session per contender (Multiplexing.off()): its holds and its wait are one server session, which is what
        // these tests read the server's views for; the demo shows the multiplexed chain
        this.locks = DbLocks.builder(dataSource)
                .multiplexing(io.dblock.Multiplexing.off())
                .build();
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "contender-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes {@code key} (it must be free) and holds it until {@link #close()}; returns the session's id. */
    long hold(LockKey key) throws Exception {
        return get(request(key));
    }

    /**
     * Starts asking for {@code key}, waiting up to {@link #REQUEST_LIMIT}; once granted, it is held until {@link
     * #close()}.
     *
     * @return completes with the session's id when granted, or with what the wait ended with
     */
    Future<Long> request(LockKey key) {
        return thread.submit(() -> {
            LockHandle handle = locks.advisory(key).timeout(REQUEST_LIMIT).acquire();
            held.add(handle);
            return handle.connectionId();
        });
    }

    /** Takes {@code key} shared (PostgreSQL) and holds it until {@link #close()}; returns the session's id. */
    long holdShared(LockKey key) throws Exception {
        return get(requestShared(key));
    }

    /** Starts asking for {@code key} shared (PostgreSQL), as {@link #request(LockKey)} does exclusively. */
    Future<Long> requestShared(LockKey key) {
        return thread.submit(() -> {
            LockHandle handle =
                    locks.advisory(key).shared().timeout(REQUEST_LIMIT).acquire();
            held.add(handle);
            return handle.connectionId();
        });
    }

    /** Locks {@code table} for writing in a transaction that stays open, idle, until {@link #close()}. */
    void holdTableForWriting(String table) throws Exception {
        CompletableFuture<Void> locked = new CompletableFuture<>();
        Future<Object> transaction =
                thread.submit(() -> locks.tables().write(table).inTransaction(connection -> {
                    locked.complete(null);
                    return endTransactions.await(60, TimeUnit.SECONDS);
                }));
        try {
            locked.get(STEP_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            get(transaction); // throws what the transaction failed with
            throw e;
        }
    }

    /** Starts asking to read {@code table}, waiting up to {@link #REQUEST_LIMIT}; the transaction ends at once. */
    Future<Object> requestTableForReading(String table) {
        return thread.submit(
                () -> locks.tables().read(table).timeout(REQUEST_LIMIT).inTransaction(connection -> (Object) null));
    }

    /** Ends open transactions, releases every held lock on the contender's thread and stops the thread. */
    @Override
    public void close() throws InterruptedException {
        endTransactions.countDown();
        thread.submit(() -> {
            for (LockHandle handle : held) {
                try {
                    handle.close();
                } catch (RuntimeException e) {
                    // the session was terminated by the test: its locks are gone with it
                }
            }
            held.clear();
        });
        thread.shutdown();
        if (!thread.awaitTermination(REQUEST_LIMIT.toSeconds() + STEP_SECONDS, TimeUnit.SECONDS)) {
            thread.shutdownNow();
            throw new AssertionError("a contender's request did not end; closed in the wrong order?");
        }
    }

    /** The result of an operation within 10 s, unwrapping what it threw. */
    static <T> T get(Future<T> operation) throws Exception {
        try {
            return operation.get(STEP_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
