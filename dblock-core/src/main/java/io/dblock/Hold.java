package io.dblock;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The state of one held session lock, apart from its {@link SessionHandle}: what the watchdog checks and what is
 * released if the handle is garbage-collected while still held. It never refers to its handle strongly, so an
 * application that drops a handle without releasing it lets the handle be collected, and dblock finds out.
 */
final class Hold {

    final List<LockKey> keys;
    final AdvisoryLockMode mode;
    /** The connection its first key is held on (its only one unless {@link #pins} has more). */
    final Pin pin;
    /**
     * Every connection its keys are held on, in {@link Pin#seq} order: one, unless a request re-entered holds on one
     * shared connection and took fresh keys on another.
     */
    final List<Pin> pins;

    final Thread owner;
    final Duration waited;
    final Long fencingToken;
    final long connectionId;
    final Instant acquiredAt = Instant.now();
    /**
     * Where the application acquired it (a few frames, turned into text only for the leak warning, because resolving
     * line numbers costs more than the walk); null when not recorded.
     */
    final StackWalker.StackFrame[] site;

    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean lostReported = new AtomicBoolean();
    private final List<Consumer<LockHandle>> lostCallbacks = new CopyOnWriteArrayList<>();
    private volatile WeakReference<LockHandle> handle = new WeakReference<>(null);

    Hold(
            List<LockKey> keys,
            AdvisoryLockMode mode,
            List<Pin> pins,
            Thread owner,
            Duration waited,
            Long fencingToken,
            StackWalker.StackFrame[] site) {
        this.keys = keys;
        this.mode = mode;
        this.pins = pins.size() == 1
                ? pins
                : pins.stream()
                        .sorted(java.util.Comparator.comparingLong(p -> p.seq))
                        .toList();
        this.pin = pins.get(0);
        this.owner = owner;
        this.waited = waited;
        this.fencingToken = fencingToken;
        this.connectionId = pin.connectionId;
        this.site = site;
    }

    /** Whether a connection it is held on failed or was discarded (then its keys there are gone). */
    boolean anyBroken() {
        for (Pin p : pins) {
            if (p.broken) {
                return true;
            }
        }
        return false;
    }

    void attach(LockHandle handle) {
        this.handle = new WeakReference<>(handle);
    }

    /** Marks the hold released; true for the one caller that did it. */
    boolean markReleased() {
        return released.compareAndSet(false, true);
    }

    boolean isReleased() {
        return released.get();
    }

    /** Built on first use (messages, listeners): a benign race, every thread builds the same string. */
    private String description;

    String description() {
        String d = description;
        if (d == null) {
            description = d = Describe.advisory(keys, mode);
        }
        return d;
    }

    void onLost(Consumer<LockHandle> callback, LockHandle from) {
        lostCallbacks.add(callback);
        if (lostReported.get() && lostCallbacks.remove(callback)) {
            run(callback, from);
        }
    }

    /** Whether this hold was reported lost (it stays so after its release). */
    boolean wasReportedLost() {
        return lostReported.get();
    }

    /**
     * Reports the loss once: listeners, then the callbacks (if the handle is still reachable). Returns whether this call
     * reported it (false if it had been already).
     */
    boolean reportLost(Listeners listeners, Optional<LockException> failure) {
        if (!lostReported.compareAndSet(false, true)) {
            return false;
        }
        listeners.lost(description(), waited, failure);
        LockHandle h = handle.get();
        for (Consumer<LockHandle> callback : lostCallbacks) {
            if (lostCallbacks.remove(callback) && h != null) {
                run(callback, h);
            }
        }
        return true;
    }

    private void run(Consumer<LockHandle> callback, LockHandle h) {
        try {
            callback.accept(h);
        } catch (RuntimeException e) {
            System.getLogger(LockHandle.class.getName())
                    .log(System.Logger.Level.WARNING, "an onLost callback of " + description() + " failed", e);
        }
    }

    /** The acquisition site as indented lines, or a hint how to record it. */
    String siteText() {
        if (site == null) {
            return "\n\t(acquisition sites are not recorded: DbLocks.builder(...).recordAcquisitionSites(true))";
        }
        StringBuilder text = new StringBuilder();
        for (StackWalker.StackFrame frame : site) {
            text.append("\n\tat ").append(frame.toStackTraceElement());
        }
        return text.toString();
    }

    /** The caller's first frames, dblock's own implementation frames left out (about 2 µs). */
    static StackWalker.StackFrame[] captureSite() {
        return WALKER.walk(frames -> {
            StackWalker.StackFrame[] site = new StackWalker.StackFrame[SITE_FRAMES];
            int n = 0;
            for (java.util.Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext() && n < SITE_FRAMES; ) {
                StackWalker.StackFrame f = it.next();
                if (n > 0 || !IMPLEMENTATION.get(f.getDeclaringClass())) {
                    site[n++] = f;
                }
            }
            return n == SITE_FRAMES ? site : java.util.Arrays.copyOf(site, n);
        });
    }

    /**
     * Whether a frame's class is dblock's implementation: a package-private class of {@code io.dblock} (or one nested
     * in it) from dblock's own jar, so that the site starts at the caller (a test in the same package included).
     */
    private static final ClassValue<Boolean> IMPLEMENTATION = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> frameClass) {
            Class<?> top = frameClass.getNestHost();
            return top.getPackageName().equals(Hold.class.getPackageName())
                    && !java.lang.reflect.Modifier.isPublic(top.getModifiers())
                    && java.util.Objects.equals(codeSource(top), codeSource(Hold.class));
        }
    };

    private static Object codeSource(Class<?> type) {
        java.security.CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null ? null : source.getLocation();
    }

    /** Measured: a larger first batch ({@code getInstance(Set.of(), 16)}) walks slower than the default. */
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** Frames recorded per acquisition. */
    static final int SITE_FRAMES = 5;
}
