package io.dblock.spring.shedlock;

import io.dblock.DbLocks;
import io.dblock.LockHandle;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * ShedLock's {@link LockProvider} backed by dblock advisory session locks: no {@code shedlock} table, no clock
 * skew, and ShedLock's contract: {@code lockAtMostFor}, {@code lockAtLeastFor} and {@link SimpleLock#extend}, so
 * ShedLock's {@code KeepAliveLockProvider} and {@code LockExtender} work with it.
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
 *   <li><b>{@code lockAtMostFor}</b> ({@link Lifetime#LOCK_AT_MOST_FOR}, the default): when it passes before the
 *       task's {@link SimpleLock#unlock()}, the holder thread releases the key, so other nodes can take it at once. The
 *       node that held it is told: a {@code WARNING} log line (logger {@code
 *       io.dblock.spring.shedlock.DbLockProvider}), a {@link io.dblock.LockListener#lost lost} event on the {@code
 *       DbLocks}' listeners (a {@link io.dblock.LockLostException} naming {@code lockAtMostFor}; with the Boot
 *       starter, the {@code dblock.locks.lost} counter), and a second warning at the task's late unlock. The hold's
 *       fencing token, if it has one, is refused from then on ({@link LockHandle#revoke}). ShedLock's providers
 *       measure it from the configuration's creation ({@link LockConfiguration#getLockAtMostUntil()}); so does this
 *       one, on this node's clock only: no clock is compared across nodes.
 *   <li><b>{@code lockAtLeastFor}</b>: {@link SimpleLock#unlock()} releases the key at once if it has passed ({@link
 *       LockConfiguration#getLockAtLeastUntil()}), and returns after the release. Otherwise it schedules the release
 *       for that instant and returns at once; until then the lock stays held, for this provider's callers as for other
 *       nodes.
 *   <li><b>{@link SimpleLock#extend(Duration, Duration) extend}</b> asks the server whether the key is still held
 *       (one round trip, {@link LockHandle#confirmHeld()}); if it is, the lock gets new {@code lockAtMostFor} and
 *       {@code lockAtLeastFor} counted from now, and the new {@code SimpleLock} it returns replaces the old one, which
 *       can no longer be unlocked or extended ({@link IllegalStateException}), as in ShedLock. If the lock is lost or
 *       has passed its {@code lockAtMostFor}, the answer is empty.
 *   <li>A lock lost with its session (killed backend, network failure) stops counting as held as soon as dblock
 *       knows (the watchdog, or the provider's next lock, which meets the dead session and moves to a fresh
 *       connection at once): the provider's other names keep working, the lost name can be taken again once the
 *       server has freed it, and the lost lock's {@link SimpleLock#unlock()} logs a warning that another node may have
 *       run the task meanwhile (and never releases a newer hold of the same name).
 * </ol>
 *
 * <h2>The one difference to know: locks end with the session</h2>
 *
 * A table-based provider keeps a row whose lease outlives the node: after a crash, nobody runs the task until {@code
 * lockAtMostFor} (or, for a task that had ended, {@code lockAtLeastFor}) has passed. Here the lock is the server's and
 * ends with the holder's database session: when the node crashes or its connection closes, the server frees the key
 * at once (on a silent network, within the {@code DbLocks}' silent-client bound, 30 s by default). So after a crash
 * another node may run the task straight away, before the crashed run's {@code lockAtMostFor} would have passed, and
 * a {@code lockAtLeastFor} still pending at the crash is cut short. A node that hangs with its connection open loses
 * the lock at {@code lockAtMostFor}, as with a lease. {@link Lifetime#SESSION} keeps the lock for as long as the
 * session lives, whatever {@code lockAtMostFor} says (a stuck node then holds it until it is killed).
 *
 * <p>Thread-safe. {@link #close()} releases every held lock and stops the holder thread; a Spring context calls it when
 * the bean is destroyed.
 */
public final class DbLockProvider implements ExtensibleLockProvider, AutoCloseable {

    /** How long a lock may be held while its task runs. */
    public enum Lifetime {
        /** Until {@code lockAtMostFor} passes, or the session ends, whichever comes first: ShedLock's contract. */
        LOCK_AT_MOST_FOR,
        /**
         * For as long as the holder's session lives: {@code lockAtMostFor} is ignored, and {@link SimpleLock#extend}
         * only checks that the lock is still held.
         */
        SESSION
    }

    private static final System.Logger LOG = System.getLogger(DbLockProvider.class.getName());

    private final DbLocks locks;
    private final String keyPrefix;
    private final Lifetime lifetime;
    private final ScheduledThreadPoolExecutor holder;
    /** Touched on the holder thread only. */
    private final Map<String, Hold> held = new HashMap<>();

    /** A provider whose lock names are the advisory keys themselves: name {@code "report"} is {@code LockKey.of("report")}. */
    public DbLockProvider(DbLocks locks) {
        this(locks, "");
    }

    /** A provider whose lock names are prefixed: name {@code "report"} is {@code LockKey.of(keyPrefix + "report")}. */
    public DbLockProvider(DbLocks locks, String keyPrefix) {
        this(locks, keyPrefix, Lifetime.LOCK_AT_MOST_FOR);
    }

    /**
     * A provider whose lock names are prefixed, with the given lifetime.
     *
     * @param locks the locks to take, on their data source
     * @param keyPrefix put before each lock name to make its advisory key; may be empty
     * @param lifetime {@link Lifetime#LOCK_AT_MOST_FOR} for ShedLock's contract (the other constructors' choice), {@link
     *     Lifetime#SESSION} to hold a lock while its session lives
     */
    public DbLockProvider(DbLocks locks, String keyPrefix, Lifetime lifetime) {
        this.locks = Objects.requireNonNull(locks, "locks must not be null");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime must not be null");
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
        Hold granted = onHolder(() -> take(configuration));
        return granted == null ? Optional.empty() : Optional.of(new HeldLock(configuration, granted));
    }

    /** One held name: its hold, and the release planned at its {@code lockAtMostFor}. Holder thread only. */
    private static final class Hold {
        final String name;
        final LockHandle handle;
        ScheduledFuture<?> expiry;
        /** Released because its {@code lockAtMostFor} passed. */
        boolean expired;

        Hold(String name, LockHandle handle) {
            this.name = name;
            this.handle = handle;
        }
    }

    /** The new hold of the configuration's name, or null if it is held; a hold found lost no longer counts. */
    private Hold take(LockConfiguration configuration) {
        String name = configuration.getName();
        Hold current = held.get(name);
        if (current != null) {
            if (current.handle.isHeld()) {
                return null;
            }
            // lost with its session (the server has freed it): the task that holds it is told at its unlock
            forget(current);
            try {
                current.handle.close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "releasing the lost ShedLock lock '" + name + "'", e);
            }
        }
        Optional<LockHandle> handle = locks.advisory(keyPrefix + name).tryAcquire();
        if (handle.isEmpty()) {
            return null;
        }
        Hold hold = new Hold(name, handle.get());
        held.put(name, hold);
        planExpiry(hold, configuration);
        return hold;
    }

    /** Plans the release at the configuration's {@code lockAtMostUntil} ({@link Lifetime#LOCK_AT_MOST_FOR} only). */
    private void planExpiry(Hold hold, LockConfiguration configuration) {
        if (lifetime == Lifetime.SESSION) {
            return;
        }
        hold.expiry = holder.schedule(
                () -> expire(hold, configuration.getLockAtMostFor()),
                nanosUntil(configuration.getLockAtMostUntil()),
                TimeUnit.NANOSECONDS);
    }

    /** {@code lockAtMostFor} passed with the task still running: the key goes, and the node is told. */
    private void expire(Hold hold, Duration lockAtMostFor) {
        if (!held.remove(hold.name, hold)) {
            return;
        }
        hold.expired = true;
        String message = "ShedLock lock '" + hold.name + "' reached its lockAtMostFor (" + lockAtMostFor + ") while"
                + " its task still ran: it is released, and another node may run the task now";
        LOG.log(Level.WARNING, message);
        try {
            hold.handle.revoke(message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "releasing ShedLock lock '" + hold.name + "' at its lockAtMostFor failed", e);
        }
    }

    /** Drops {@code hold} from the held names and its planned expiry. */
    private void forget(Hold hold) {
        held.remove(hold.name, hold);
        if (hold.expiry != null) {
            hold.expiry.cancel(false);
        }
    }

    /** The task unlocked: release now, or once {@code lockAtLeastUntil} has passed. */
    private Void unlocked(Hold hold, Instant lockAtLeastUntil) {
        if (held.get(hold.name) != hold) {
            warnLateUnlock(hold);
            return null;
        }
        if (hold.expiry != null) {
            hold.expiry.cancel(false);
            hold.expiry = null;
        }
        long left = nanosUntil(lockAtLeastUntil);
        if (left <= 0) {
            release(hold);
        } else {
            hold.expiry = holder.schedule(() -> release(hold), left, TimeUnit.NANOSECONDS);
        }
        return null;
    }

    private static void warnLateUnlock(Hold hold) {
        String why = hold.expired
                ? "after its lockAtMostFor had passed and it was released"
                : "after it was lost (its database session ended)";
        LOG.log(
                Level.WARNING,
                "ShedLock lock '" + hold.name + "' was unlocked " + why + ", so another node may have run the task"
                        + " meanwhile");
    }

    /** Releases {@code hold} if it is still its name's hold (not one granted after it was lost or expired). */
    private Void release(Hold hold) {
        if (held.get(hold.name) != hold) {
            return null;
        }
        forget(hold);
        AtomicBoolean lost = new AtomicBoolean();
        hold.handle.onLost(h -> lost.set(true)); // runs at once if known lost, or during the release if it finds out
        try {
            hold.handle.release();
        } catch (RuntimeException e) {
            // LockLostException: the unlock met a failed session, which the server ends, freeing the key
            lost.set(true);
            LOG.log(Level.DEBUG, "releasing ShedLock lock '" + hold.name + "'", e);
        }
        if (lost.get()) {
            warnLateUnlock(hold);
        }
        return null;
    }

    /** Extends {@code hold} to {@code configuration} if the server confirms it; empty if it is lost or expired. */
    private Optional<Hold> extendHold(Hold hold, LockConfiguration configuration) {
        if (held.get(hold.name) != hold) {
            return Optional.empty();
        }
        if (!hold.handle.confirmHeld()) {
            return Optional.empty(); // lost: the next lock() of the name cleans it up
        }
        if (hold.expiry != null) {
            hold.expiry.cancel(false);
        }
        planExpiry(hold, configuration);
        return Optional.of(hold);
    }

    private static long nanosUntil(Instant instant) {
        return Math.max(0, Duration.between(ClockProvider.now(), instant).toNanos());
    }

    /** Releases every lock this provider holds, including those waiting out their {@code lockAtLeastFor}. */
    @Override
    public void close() {
        if (holder.isShutdown()) {
            return;
        }
        try {
            onHolder(() -> {
                for (Hold hold : List.copyOf(held.values())) {
                    release(hold);
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
        return "DbLockProvider[" + locks.engineName() + ", prefix '" + keyPrefix + "', " + lifetime + "]";
    }

    /** A granted lock: {@link #unlock()} or {@link #extend} once, after which it is spent. */
    private final class HeldLock implements SimpleLock {

        private final LockConfiguration configuration;
        private final Hold hold;
        private final AtomicBoolean spent = new AtomicBoolean();

        HeldLock(LockConfiguration configuration, Hold hold) {
            this.configuration = configuration;
            this.hold = hold;
        }

        @Override
        public void unlock() {
            spend();
            try {
                onHolder(() -> unlocked(hold, configuration.getLockAtLeastUntil()));
            } catch (IllegalStateException e) {
                // closed meanwhile: close() has released it
                LOG.log(Level.DEBUG, "provider closed before lock '" + hold.name + "' was unlocked", e);
            }
        }

        /**
         * Gives the lock a new {@code lockAtMostFor} and {@code lockAtLeastFor}, counted from now, if the server
         * confirms it is still held (one round trip).
         *
         * @return the lock to unlock or extend from now on, or empty if it is lost or its {@code lockAtMostFor} passed
         * @throws IllegalStateException if this lock was unlocked or extended already
         * @throws IllegalArgumentException if ShedLock refuses the durations (for example, at least longer than at most)
         */
        @Override
        public Optional<SimpleLock> extend(Duration lockAtMostFor, Duration lockAtLeastFor) {
            LockConfiguration extended =
                    new LockConfiguration(ClockProvider.now(), hold.name, lockAtMostFor, lockAtLeastFor);
            spend();
            return onHolder(() -> extendHold(hold, extended)).map(h -> new HeldLock(extended, h));
        }

        private void spend() {
            if (!spent.compareAndSet(false, true)) {
                throw new IllegalStateException("ShedLock lock '" + hold.name + "' is not valid any more: it was"
                        + " unlocked or extended already");
            }
        }

        @Override
        public String toString() {
            return "DbLockProvider lock '" + hold.name + "'";
        }
    }
}
