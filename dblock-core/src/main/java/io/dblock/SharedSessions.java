package io.dblock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The connections that the session locks of one {@code DbLocks} share when multiplexed ({@link Multiplexing}): at most
 * {@link #bound} at once, each counted from its borrowing until it goes back to the pool. Those holding locks are open
 * to other acquisitions' tries ({@link #rotation}); one borrowed to wait on is not, until its wait is granted ({@link
 * #holding}).
 *
 * <p>A slot (one of the bound's permits, handed out in arrival order) is taken before a connection is borrowed, and
 * given back when it goes back. The bookkeeping lock is never held across SQL, and never taken before a {@link
 * Pin#busy}: a thread may hold a pin's {@code busy} and then this lock, never the other way round.
 */
final class SharedSessions {

    private final int bound;
    private final Semaphore slots;
    private final ReentrantLock lock = new ReentrantLock();
    /** Connections holding locks, open to tries. */
    private final List<Pin> holding = new ArrayList<>();
    /** Every connection counted against the bound. */
    private final Set<Pin> counted = Collections.newSetFromMap(new IdentityHashMap<>());

    private final AtomicInteger next = new AtomicInteger();

    /** Signalled when a connection joins the rotation or goes; {@link #version} counts those changes. */
    private final java.util.concurrent.locks.Condition changed = lock.newCondition();

    private long version;

    SharedSessions(int bound) {
        this.bound = bound;
        this.slots = new Semaphore(bound, true);
    }

    int bound() {
        return bound;
    }

    /** Connections in use now (holding locks or waiting for one). */
    int inUse() {
        lock.lock();
        try {
            return counted.size();
        } finally {
            lock.unlock();
        }
    }

    /** The number of changes to the rotation so far, for {@link #awaitChange}. */
    long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code nanos} for a change after {@code seen} (a connection joined the rotation or went).
     *
     * @return whether there was one
     */
    boolean awaitChange(long seen, long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (version == seen && left > 0) {
                left = changed.awaitNanos(left);
            }
            return version != seen;
        } finally {
            lock.unlock();
        }
    }

    private void changedLocked() {
        version++;
        changed.signalAll();
    }

    /** The connections holding locks, from a rotating start (spreading tries over them). */
    List<Pin> rotation() {
        lock.lock();
        try {
            int n = holding.size();
            if (n <= 1) {
                return n == 0 ? List.of() : List.of(holding.get(0));
            }
            int start = Math.floorMod(next.getAndIncrement(), n);
            List<Pin> order = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                order.add(holding.get((start + i) % n));
            }
            return order;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a slot at once if one is free. */
    boolean takeSlotNow() {
        return slots.tryAcquire();
    }

    /**
     * Takes a slot, waiting up to {@code nanos} in arrival order.
     *
     * @return false if none was free in time
     */
    boolean takeSlot(long nanos) throws InterruptedException {
        return slots.tryAcquire(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** Gives back a slot taken for a connection that could not be borrowed. */
    void returnSlot() {
        slots.release();
    }

    /** Counts a connection borrowed with a slot taken for it. */
    void counted(Pin pin) {
        lock.lock();
        try {
            counted.add(pin);
        } finally {
            lock.unlock();
        }
    }

    /** A counted connection now holds locks: open it to tries (if it is still in use). */
    void holding(Pin pin) {
        lock.lock();
        try {
            if (!pin.returned && counted.contains(pin) && !holding.contains(pin)) {
                holding.add(pin);
                changedLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A counted connection went back to its pool or was discarded: its slot is free. Once per connection. */
    void gone(Pin pin) {
        boolean was;
        lock.lock();
        try {
            holding.remove(pin);
            was = counted.remove(pin);
            if (was) {
                changedLocked();
            }
        } finally {
            lock.unlock();
        }
        if (was) {
            slots.release();
        }
    }

    /** The number of server holds on each connection in use (for the inspector and metrics). */
    List<Integer> holdsPerConnection() {
        List<Pin> pins;
        lock.lock();
        try {
            pins = new ArrayList<>(counted);
        } finally {
            lock.unlock();
        }
        List<Integer> holds = new ArrayList<>(pins.size());
        for (Pin pin : pins) {
            holds.add(pin.serverHolds); // read without entering it: a snapshot, possibly a statement old
        }
        return holds;
    }

    /**
     * The maximum size of {@code dataSource}'s pool if it says (HikariCP {@code getMaximumPoolSize}, DBCP2 {@code
     * getMaxTotal}, Tomcat JDBC {@code getMaxActive}, c3p0 {@code getMaxPoolSize}), else 0.
     */
    static int poolSize(DataSource dataSource) {
        for (String getter : List.of("getMaximumPoolSize", "getMaxTotal", "getMaxActive", "getMaxPoolSize")) {
            try {
                Object size = dataSource.getClass().getMethod(getter).invoke(dataSource);
                if (size instanceof Integer n && n > 0) {
                    return n;
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError absent) {
                // not this pool's getter
            }
        }
        return 0;
    }
}
