package io.dblock;

import io.dblock.spi.LockEngine;
import io.dblock.spi.WaitGuard;
import io.dblock.spi.WaitLabels;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Finds deadlocks that run through several sessions of one holder, which neither server can see: with multiplexed
 * session locks a thread's holds are on shared connections and its wait on another, so a cycle of waits between two
 * nodes (or between a node's waits on the server and its threads' waits in {@link LocalLocks}) is no cycle of
 * sessions.
 *
 * <ol>
 *   <li>Every server wait of a multiplexed acquisition is labelled ({@link WaitGuard#label()}, in a comment in front of
 *       the waiting statement): {@code dblock-wait o=<owner> t=<start> h=<session>:<key>,...}, the waiting thread
 *       (node and thread), when it began to wait (epoch ms), and what it holds, on which sessions.
 *   <li>While one of this node's waits is older than the server's deadlock delay ({@link WaitLabels#deadlockDelay},
 *       PostgreSQL {@code deadlock_timeout}), a pass runs every half of it: one query for every labelled wait on the
 *       server and the sessions holding what it waits for ({@link WaitLabels#labelledWaits}), on a shared connection.
 *   <li>The pass builds the wait-for graph of holders: a labelled wait leads to whoever holds the key on the blocking
 *       session (this node's own threads, or a labelled waiter listing that hold), and this node's local waits lead
 *       to their blockers.
 *   <li>A cycle through one of this node's waits chooses one victim among its server waiters: the one that began to
 *       wait last (then the greatest owner), which every node seeing the cycle chooses alike; a cycle that also runs
 *       through this node's local waits (which only this node sees) chooses among this node's waiters. The victim's
 *       node cancels its wait, which ends with {@link LockDeadlockException}.
 * </ol>
 *
 * A deadlock is so found within the deadlock delay plus one pass of its last wait. Not found, so ending at the waits'
 * timeouts: a cycle through the local waits of two nodes (each sees only its own), and one through a holder whose label
 * was cut short (over {@value #LABEL_CHARS} characters of holds).
 */
final class CrossNodeDeadlocks {

    private static final System.Logger LOG = System.getLogger(CrossNodeDeadlocks.class.getName());

    /** Longest label: fits PostgreSQL's default {@code track_activity_query_size} (1 kB) with the statement. */
    static final int LABEL_CHARS = 800;

    private static final long SHORTEST_PASS_MILLIS = 20;

    private final WaitLabels labels;
    private final LockEngine engine;
    private final LocalLocks local;
    private final SharedSessions sessions;
    private final BackgroundThreads.Kind passes;
    private final String node = Long.toHexString(new java.security.SecureRandom().nextLong() >>> 16);
    private final Map<Thread, OwnWait> waits = new ConcurrentHashMap<>();
    private final ThreadLocal<OwnWait> current = new ThreadLocal<>();
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile long delayMillis = -1;

    /** One server wait of this node's, labelled. */
    static final class OwnWait {
        final Thread thread = Thread.currentThread();
        final long startMillis = System.currentTimeMillis();
        final long startNanos = System.nanoTime();
        final ReentrantLock cancelling = new ReentrantLock();
        String owner;
        String label;
        Statement statement;
        volatile boolean victim;
        volatile String cycle;
    }

    CrossNodeDeadlocks(LockEngine engine, LocalLocks local, SharedSessions sessions, BackgroundThreads.Kind passes) {
        this.engine = engine;
        this.labels = engine.facet(WaitLabels.class).orElse(null);
        this.local = local;
        this.sessions = sessions;
        this.passes = passes;
    }

    private String owner(Thread thread) {
        return node + "." + Long.toHexString(thread.getId());
    }

    /**
     * Labels the calling thread's coming wait on {@code pin} (entered) and watches it; null if the engine has no
     * labels. End it with {@link #end}.
     */
    OwnWait begin(Pin pin) {
        if (labels == null) {
            return null;
        }
        OwnWait wait = new OwnWait();
        wait.owner = owner(wait.thread);
        try {
            wait.label = label(wait, pin.connection);
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "could not label a wait; it is left out of deadlock detection", e);
            return null;
        }
        waits.put(wait.thread, wait);
        current.set(wait);
        arm(SHORTEST_PASS_MILLIS);
        return wait;
    }

    void end(OwnWait wait) {
        if (wait != null) {
            waits.remove(wait.thread, wait);
            current.remove();
        }
    }

    private String label(OwnWait wait, java.sql.Connection connection) throws SQLException {
        StringBuilder label = new StringBuilder("dblock-wait o=")
                .append(wait.owner)
                .append(" t=")
                .append(wait.startMillis)
                .append(" h=");
        int n = 0;
        for (LocalKey.Holder h : local.granted(wait.thread)) {
            String hold = h.pin.connectionId + ":" + labels.keyToken(connection, h.key);
            if (label.length() + hold.length() + 2 > LABEL_CHARS) {
                label.append('+');
                break;
            }
            label.append(n++ == 0 ? "" : ",").append(hold);
        }
        return label.toString();
    }

    /** {@code guard}, labelled and watched for a victim's cancel while the calling thread's labelled wait runs. */
    WaitGuard wrap(WaitGuard guard) {
        OwnWait wait = current.get();
        return wait == null ? guard : new LabelledGuard(guard, wait);
    }

    /** A wait guard that carries the wait's label and lets a pass cancel the waiting statement. */
    private record LabelledGuard(WaitGuard guard, OwnWait own) implements WaitGuard {
        @Override
        public Registration watch(Statement statement) {
            Registration inner = guard.watch(statement);
            setStatement(statement);
            return () -> {
                setStatement(null);
                inner.close();
            };
        }

        private void setStatement(Statement statement) {
            own.cancelling.lock();
            own.statement = statement;
            own.cancelling.unlock();
        }

        @Override
        public String label() {
            return own.label;
        }
    }

    /** The exception of a wait ended as a deadlock's victim. */
    LockDeadlockException victim(OwnWait wait, String description, Throwable cause) {
        return new LockDeadlockException(
                "deadlock through multiplexed connections, found by dblock (the server sees no cycle of sessions): "
                        + wait.cycle + "; this wait was chosen as the victim and cancelled",
                description,
                engine.name(),
                java.time.Duration.ofNanos(System.nanoTime() - wait.startNanos),
                cause);
    }

    private void arm(long delay) {
        if (armed.compareAndSet(false, true)) {
            try {
                passes.schedule(this::pass, delay);
            } catch (LockUsageException closed) {
                armed.set(false);
            }
        }
    }

    /** One pass, then the next one scheduled while any wait is left. */
    private void pass() {
        long next = SHORTEST_PASS_MILLIS;
        try {
            next = passNow();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "a deadlock detection pass failed; trying again", e);
        } finally {
            armed.set(false);
            if (!waits.isEmpty()) {
                arm(next);
            }
        }
    }

    /** Runs the pass if a wait is old enough; returns when the next should run, in ms. */
    private long passNow() throws SQLException {
        long age = oldestWaitMillis();
        if (age < 0 || (delayMillis >= 0 && age < delayMillis)) {
            return Math.max(SHORTEST_PASS_MILLIS, delayMillis - age);
        }
        for (Pin pin : sessions.rotation()) {
            pin.busy.lock();
            try {
                if (!pin.returned && !pin.broken) {
                    if (delayMillis < 0) {
                        delayMillis = NetworkBound.run(pin.connection, () -> labels.deadlockDelay(pin.connection))
                                .toMillis();
                        return SHORTEST_PASS_MILLIS;
                    }
                    detect(pin.connection);
                    break;
                }
            } finally {
                pin.busy.unlock();
            }
        }
        return Math.max(SHORTEST_PASS_MILLIS, delayMillis / 2);
    }

    /** How long this node's oldest wait has lasted, in ms; -1 with none. */
    private long oldestWaitMillis() {
        long oldest = Long.MAX_VALUE;
        for (OwnWait w : waits.values()) {
            oldest = Math.min(oldest, w.startNanos);
        }
        return oldest == Long.MAX_VALUE ? -1 : (System.nanoTime() - oldest) / 1_000_000;
    }

    /** Reads the labelled waits, builds the holders' wait-for graph, and cancels this node's victims. */
    private void detect(java.sql.Connection connection) throws SQLException {
        List<WaitLabels.LabelledWait> rows = NetworkBound.run(
                connection, SessionLiveness.CHECK_BOUND_MILLIS, () -> labels.labelledWaits(connection));
        Map<String, HolderWaits.Parsed> parsed = new HashMap<>();
        rows.forEach(row -> parsed.computeIfAbsent(row.label(), HolderWaits::parse));
        Map<String, Long> serverWaiters = new HashMap<>();
        Map<String, Set<String>> edges = serverEdges(rows, parsed, holdersByHold(connection, parsed), serverWaiters);
        Set<String> localEdges = addLocalWaits(edges);
        for (OwnWait wait : waits.values()) {
            List<String> cycle = HolderWaits.cycle(wait.owner, edges);
            if (cycle != null) {
                chooseVictim(cycle, serverWaiters, localEdges);
            }
        }
    }

    /** The labelled waits' edges to the holders of what they wait for; notes each waiter's start in {@code since}. */
    private static Map<String, Set<String>> serverEdges(
            List<WaitLabels.LabelledWait> rows,
            Map<String, HolderWaits.Parsed> parsed,
            Map<String, Set<String>> holders,
            Map<String, Long> since) {
        Map<String, Set<String>> edges = new HashMap<>();
        for (WaitLabels.LabelledWait row : rows) {
            HolderWaits.Parsed p = parsed.get(row.label());
            if (p != null) {
                since.put(p.owner(), p.since());
                for (String to : holders.getOrDefault(row.holder() + ":" + row.waitedKey(), Set.of())) {
                    edges.computeIfAbsent(p.owner(), x -> new HashSet<>()).add(to);
                }
            }
        }
        return edges;
    }

    /** Who holds each {@code session:key} hold: the labelled waiters that list it, and this node's own threads. */
    private Map<String, Set<String>> holdersByHold(
            java.sql.Connection connection, Map<String, HolderWaits.Parsed> parsed) throws SQLException {
        Map<String, Set<String>> holders = new HashMap<>();
        for (HolderWaits.Parsed p : parsed.values()) {
            if (p != null) {
                p.holds().forEach(h -> holders.computeIfAbsent(h, x -> new HashSet<>())
                        .add(p.owner()));
            }
        }
        for (LocalKey.Holder h : local.granted(null)) {
            holders.computeIfAbsent(h.pin.connectionId + ":" + labels.keyToken(connection, h.key), x -> new HashSet<>())
                    .add(owner(h.thread));
        }
        return holders;
    }

    /** Adds this node's waits in {@link LocalLocks} to {@code edges}; returns them as {@code waiter>blocker}. */
    private Set<String> addLocalWaits(Map<String, Set<String>> edges) {
        Set<String> localEdges = new HashSet<>();
        local.waitsFor().forEach((waiter, blockers) -> {
            for (Thread b : blockers) {
                edges.computeIfAbsent(owner(waiter), x -> new HashSet<>()).add(owner(b));
                localEdges.add(owner(waiter) + ">" + owner(b));
            }
        });
        return localEdges;
    }

    /** Picks the cycle's victim and, if it is one of this node's waits, cancels it. */
    private void chooseVictim(List<String> cycle, Map<String, Long> serverWaiters, Set<String> localEdges) {
        Map<String, OwnWait> ours = new HashMap<>();
        waits.values().forEach(w -> ours.put(w.owner, w));
        String victim = HolderWaits.victim(cycle, serverWaiters, localEdges, ours.keySet());
        OwnWait wait = victim == null ? null : ours.get(victim);
        if (wait != null) {
            cancel(wait, "waits for holders " + String.join(" -> ", cycle) + " -> " + cycle.get(0));
        }
    }

    private void cancel(OwnWait wait, String cycle) {
        wait.cycle = cycle;
        wait.victim = true;
        wait.cancelling.lock();
        try {
            if (wait.statement != null) {
                wait.statement.cancel();
            }
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "cancelling a deadlock victim's wait failed; the next pass tries again", e);
        } finally {
            wait.cancelling.unlock();
        }
    }
}
