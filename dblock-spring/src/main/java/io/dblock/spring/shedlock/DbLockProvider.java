package io.dblock.spring.shedlock;

import io.dblock.DbLocks;
import io.dblock.LockHandle;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * ShedLock's {@link LockProvider} backed by dblock advisory session locks: no {@code shedlock} table, no clock
 * skew, and a lock that ends when its holder's database session ends.
 *
 * <pre>{@code
 * @Bean
 * LockProvider lockProvider(DbLocks locks) {
 *     return new DbLockProvider(locks);          // was: new JdbcTemplateLockProvider(dataSource)
 * }
 * }</pre>
 *
 * <h2>How a lock is held</h2>
 *
 * <ol>
 *   <li>{@link #lock(LockConfiguration)} asks the provider's holder thread to try the advisory key {@code
 *       LockKey.of(keyPrefix + name)} without waiting ({@code pg_try_advisory_lock} / {@code GET_LOCK(name, 0)}), as
 *       ShedLock expects: a lock held elsewhere gives {@link Optional#empty()} at once.
 *   <li>All of a provider's locks live on that one thread, so they share one pinned connection and can be released
 *       after the task's thread has moved on. A name this provider already holds is refused too (dblock's re-entrancy
 *       would otherwise grant it again to the same thread).
 *   <li>{@link SimpleLock#unlock()} releases the key at once if {@code lockAtLeastFor} has passed (measured from the
 *       configuration's creation, as in every ShedLock provider: {@link LockConfiguration#getLockAtLeastUntil()}),
 *       and returns after the release. Otherwise it schedules the release for that instant and returns at once; until
 *       then the lock stays held, for this provider's callers as for other nodes.
 *   <li>A lock lost with its session (killed backend, network failure) stops counting as held as soon as dblock
 *       knows (the watchdog, or the provider's next lock, which meets the dead session and moves to a fresh
 *       connection at once): the provider's other names keep working, the lost name can be taken again once the
 *       server has freed it, and the lost lock's {@link SimpleLock#unlock()} logs a warning that another node may have
 *       run the task meanwhile (and never releases a newer hold of the same name).
 * </ol>
 *
 * <h2>lockAtMostFor</h2>
 *
 * Not used: a database lock does not expire. ShedLock needs {@code lockAtMostFor} so that a lock row outlives a
 * crashed node for a bounded time only; here the server ends the lock together with the holder's session (process
 * exit, closed connection, terminated backend). The difference to know: a node that hangs with its connection open
 * keeps the lock until it is killed, where a lease would have expired. Nor is {@link SimpleLock#extend} supported
 * (there is no lease to extend), so {@code KeepAliveLockProvider} is neither needed nor usable.
 *
 * <p>Thread-safe. {@link #close()} releases every held lock and stops the holder thread; a Spring context calls it when
 * the bean is destroyed.
 */
public final class DbLockProvider implements LockProvider, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DbLockProvider.class.getName());

    private final DbLocks locks;
    private final String keyPrefix;
    private final ScheduledThreadPoolExecutor holder;
    /** Touched on the holder thread only. */
    private final Map<String, LockHandle> held = new HashMap<>();

    /** A provider whose lock names are the advisory keys themselves: name {@code "report"} is {@code LockKey.of("report")}. */
    public DbLockProvider(DbLocks locks) {
        this(locks, "");
    }

    /** A provider whose lock names are prefixed: name {@code "report"} is {@code LockKey.of(keyPrefix + "report")}. */
    public DbLockProvider(DbLocks locks, String keyPrefix) {
        this.locks = Objects.requireNonNull(locks, "locks must not be null");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
        this.holder = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "dblock-shedlock-holder");
            thread.setDaemon(true);
            return thread;
        });
        holder.setRemoveOnCancelPolicy(true);
    }

    /**
     * Takes the lock named by {@code configuration} if nobody holds it, without waiting.
     *
     * @return the lock, or empty if held (here or on another node)
     * @throws io.dblock.LockException if the database cannot be asked
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public Optional<SimpleLock> lock(LockConfiguration configuration) {
        Objects.requireNonNull(configuration, "configuration must not be null");
        String name = configuration.getName();
        LockHandle granted = onHolder(() -> take(name));
        return granted == null ? Optional.empty() : Optional.of(new HeldLock(configuration, granted));
    }

    /** The new hold of {@code name}, or null if it is held; a hold of this provider found lost no longer counts. */
    private LockHandle take(String name) {
        LockHandle current = held.get(name);
        if (current != null) {
            if (current.isHeld()) {
                return null;
            }
            // lost with its session (the server has freed it): the task that holds it is told at its unlock
            held.remove(name);
            current.close();
        }
        Optional<LockHandle> handle = locks.advisory(keyPrefix + name).tryAcquire();
        handle.ifPresent(h -> held.put(name, h));
        return handle.orElse(null);
    }

    /** Releases {@code name} if {@code handle} is still its hold (not one granted after {@code handle} was lost). */
    private Void release(String name, LockHandle handle) {
        if (!held.remove(name, handle)) {
            return null;
        }
        AtomicBoolean lost = new AtomicBoolean();
        handle.onLost(h -> lost.set(true)); // runs at once if known lost, or during the release if it finds out
        try {
            handle.release();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "releasing ShedLock lock '" + name + "' failed", e);
            return null;
        }
        if (lost.get()) {
            LOG.log(
                    Level.WARNING,
                    "ShedLock lock '" + name + "' was lost before its unlock (its database session ended), so another"
                            + " node may have run the task meanwhile");
        }
        return null;
    }

    /** Releases every lock this provider holds, including those waiting out their {@code lockAtLeastFor}. */
    @Override
    public void close() {
        if (holder.isShutdown()) {
            return;
        }
        try {
            onHolder(() -> {
                for (Map.Entry<String, LockHandle> entry : Map.copyOf(held).entrySet()) {
                    release(entry.getKey(), entry.getValue());
                }
                return null;
            });
        } finally {
            holder.shutdownNow();
        }
    }

    /** Runs {@code work} on the holder thread and waits for it; an interrupt is remembered, not acted on. */
    private <T> T onHolder(Callable<T> work) {
        Future<T> future;
        try {
            future = holder.submit(work);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("this DbLockProvider is closed", e);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    // the work is short (a try-lock or an unlock) and must not be abandoned half-done
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "DbLockProvider[" + locks.engineName() + ", prefix '" + keyPrefix + "']";
    }

    /** A granted lock; {@link #unlock()} works once. */
    private final class HeldLock implements SimpleLock {

        private final LockConfiguration configuration;
        private final LockHandle handle;
        private final AtomicBoolean unlocked = new AtomicBoolean();

        HeldLock(LockConfiguration configuration, LockHandle handle) {
            this.configuration = configuration;
            this.handle = handle;
        }

        @Override
        public void unlock() {
            String name = configuration.getName();
            if (!unlocked.compareAndSet(false, true)) {
                throw new IllegalStateException("ShedLock lock '" + name + "' is already unlocked");
            }
            Duration left = Duration.between(ClockProvider.now(), configuration.getLockAtLeastUntil());
            if (left.isNegative() || left.isZero()) {
                onHolder(() -> release(name, handle));
                return;
            }
            try {
                holder.schedule(() -> release(name, handle), left.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile: close() has released it
                LOG.log(Level.DEBUG, "provider closed before lock '" + name + "' reached its lockAtLeastFor", e);
            }
        }

        @Override
        public String toString() {
            return "DbLockProvider lock '" + configuration.getName() + "'";
        }
    }
}
