package io.dblock.support;

import io.dblock.LockHandle;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A thread of its own that takes a lock, reports it, holds it until {@link #release()}, then releases it: session
 * locks belong to the thread that took them, so a test that wants one held elsewhere needs such a thread.
 */
public final class Holder {

    private final CompletableFuture<Long> acquired = new CompletableFuture<>();
    private final CountDownLatch letGo = new CountDownLatch(1);
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private Holder(Supplier<Optional<LockHandle>> take) {
        Thread thread = new Thread(() -> run(take), "lock-holder");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts the thread; {@code take} runs on it. */
    public static Holder start(Supplier<Optional<LockHandle>> take) {
        return new Holder(take);
    }

    /**
     * Completes with the holding connection's id once the lock is taken, with {@code -1} if {@code take} returned
     * empty, or exceptionally with what {@code take} threw.
     */
    public CompletableFuture<Long> acquired() {
        return acquired;
    }

    /** Lets go of the lock (if taken) and waits up to 10 s for the thread to release it and end. */
    public void release() throws Exception {
        letGo.countDown();
        done.get(10, TimeUnit.SECONDS);
    }

    private void run(Supplier<Optional<LockHandle>> take) {
        try {
            Optional<LockHandle> handle;
            try {
                handle = take.get();
            } catch (RuntimeException e) {
                acquired.completeExceptionally(e);
                return;
            }
            if (handle.isEmpty()) {
                acquired.complete(-1L);
                return;
            }
            try (LockHandle h = handle.get()) {
                acquired.complete(h.connectionId());
                letGo.await(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(e);
        } catch (RuntimeException | Error e) {
            done.completeExceptionally(e);
        } finally {
            done.complete(null);
        }
    }
}
