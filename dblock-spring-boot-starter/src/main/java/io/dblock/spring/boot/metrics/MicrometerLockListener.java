package io.dblock.spring.boot.metrics;

import io.dblock.LockEvent;
import io.dblock.LockListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records lock operations as Micrometer meters.
 *
 * <ul>
 *   <li>{@value #ACQUIRE} (timer): every lock request, waiting included; tags {@code outcome} ({@code acquired},
 *       {@code timeout}, {@code deadlock}, {@code interrupted}, {@code error}), {@code kind} ({@code session_advisory},
 *       {@code transaction_advisory}, {@code table}) and {@code engine} ({@code PostgreSQL}, {@code MariaDB}, {@code
 *       MySQL}).
 *   <li>{@value #HELD} (timer): how long released session locks were held; tag {@code engine}.
 *   <li>{@value #HELD_ACTIVE} (gauge): session-lock handles held now (acquired, not yet released or lost); tag {@code
 *       engine}. Registered when the starter's {@code DbLocks} bean is ready ({@link #registerFor}), else when the first
 *       lock of an engine is acquired.
 *   <li>{@value #LOST} (counter): session locks found lost (session terminated, connection failed); tag {@code
 *       engine}. Registered at 0 when the starter's {@code DbLocks} bean is ready ({@link #registerFor}).
 *   <li>{@value #GRACE} (timer): session-lock requests that waited for the grace period of a server that had just
 *       come up (restart or promotion, {@code io.dblock.Failover}), and how long; tag {@code engine}.
 * </ul>
 *
 * <p>A re-entrant acquisition counts like any other: it is one more handle, acquired without waiting. Transaction and
 * table locks end with their transaction, which dblock does not see, so they appear in {@value #ACQUIRE} only. With
 * {@code lockNameTag}, every meter except the gauge also carries tag {@code lock} with the lock's description (such as
 * {@code advisory "invoice:42"}); leave it off unless the application locks a small, fixed set of names, because every
 * distinct name makes new time series.
 *
 * <p>Thread-safe. Register it with {@link io.dblock.DbLocks.Builder#listener(LockListener)}; one listener may serve
 * several {@code DbLocks}, whose gauges then add up per engine.
 */
public final class MicrometerLockListener implements LockListener {

    /** Timer of lock requests. */
    public static final String ACQUIRE = "dblock.acquire";

    /** Timer of how long released session locks were held. */
    public static final String HELD = "dblock.held";

    /** Gauge of session locks held now. */
    public static final String HELD_ACTIVE = "dblock.held.active";

    /** Counter of lost session locks. */
    public static final String LOST = "dblock.lost";

    /** Timer of waits for a restarted or promoted server's grace period. */
    public static final String GRACE = "dblock.grace.wait";

    private final MeterRegistry registry;
    private final boolean lockNameTag;
    private final Map<String, AtomicLong> activeByEngine = new ConcurrentHashMap<>();

    /**
     * Creates a listener recording into {@code registry}.
     *
     * @param registry where to record
     * @param lockNameTag whether to tag meters with the lock's name (unbounded cardinality if the names are)
     */
    public MicrometerLockListener(MeterRegistry registry, boolean lockNameTag) {
        this.registry = Objects.requireNonNull(registry, "registry must not be null");
        this.lockNameTag = lockNameTag;
    }

    /**
     * Registers the meters of {@code engine} that dashboards and alerts are built on, at 0, before any lock event:
     * {@value #LOST} and {@value #HELD_ACTIVE} (tag {@code engine}). The starter calls it for the {@code DbLocks} bean at
     * start. With the {@code lock} tag on, {@value #LOST} is left to the first loss (it is tagged per lock then, and
     * some registries refuse one name with two sets of tag keys).
     *
     * @param engine the engine's name, as {@code DbLocks.engineName()} gives it
     */
    public void registerFor(String engine) {
        Objects.requireNonNull(engine, "engine must not be null");
        active(engine);
        if (!lockNameTag) {
            lostCounter(Tags.of("engine", engine));
        }
    }

    @Override
    public void acquired(LockEvent event) {
        acquireTimer(event).record(event.waited());
        if (event.kind() == LockEvent.Kind.SESSION_ADVISORY) {
            active(event.engine()).incrementAndGet();
        }
    }

    @Override
    public void notAcquired(LockEvent event) {
        acquireTimer(event).record(event.waited());
    }

    @Override
    public void released(LockEvent event, Duration held) {
        Timer.builder(HELD)
                .description("How long session locks were held, from acquisition to release")
                .tags(tags(event))
                .register(registry)
                .record(held);
        active(event.engine()).decrementAndGet();
    }

    @Override
    public void lost(LockEvent event) {
        lostCounter(tags(event)).increment();
        active(event.engine()).decrementAndGet();
    }

    @Override
    public void graceWaited(String lock, String engine, Duration waited) {
        Tags tags = Tags.of("engine", engine);
        Timer.builder(GRACE)
                .description("Session-lock requests that waited for a restarted or promoted server's grace period")
                .tags(lockNameTag ? tags.and("lock", lock) : tags)
                .register(registry)
                .record(waited);
    }

    private Counter lostCounter(Tags tags) {
        return Counter.builder(LOST)
                .description("Session locks found lost: their session was terminated or their connection failed")
                .tags(tags)
                .register(registry);
    }

    private Timer acquireTimer(LockEvent event) {
        return Timer.builder(ACQUIRE)
                .description("Lock requests, waiting included, by outcome")
                .tags(tags(event))
                .tag("outcome", lowerCase(event.outcome()))
                .tag("kind", lowerCase(event.kind()))
                .register(registry);
    }

    private Tags tags(LockEvent event) {
        Tags tags = Tags.of("engine", event.engine());
        return lockNameTag ? tags.and("lock", event.lock()) : tags;
    }

    private AtomicLong active(String engine) {
        return activeByEngine.computeIfAbsent(engine, this::registerActiveGauge);
    }

    private AtomicLong registerActiveGauge(String engine) {
        AtomicLong held = new AtomicLong();
        Gauge.builder(HELD_ACTIVE, held, AtomicLong::get)
                .description("Session locks held now: acquired and not yet released or lost")
                .tag("engine", engine)
                .strongReference(true)
                .register(registry);
        return held;
    }

    private static String lowerCase(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "MicrometerLockListener[" + registry.getClass().getSimpleName() + (lockNameTag ? ", lock tag]" : "]");
    }
}
