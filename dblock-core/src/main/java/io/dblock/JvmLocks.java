package io.dblock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The session locks that the open {@code DbLocks} instances of this JVM hold now, with the lock as the application
 * wrote it and where it was acquired: for diagnostics and test tools. dblock-testing's leak check uses it to name a
 * leaked lock ({@code advisory "invoice:42"} rather than its 64-bit hash) and the statement that took it.
 *
 * <p>Kept in memory by dblock itself, no SQL: a hold is listed from its grant until its release begins, it is found
 * lost, or its {@code DbLocks} is closed. Thread-safe; each call returns a snapshot.
 */
public final class JvmLocks {

    private static final Map<Hold, String> HELD = new ConcurrentHashMap<>();

    private JvmLocks() {}

    /**
     * One key of a session lock held in this JVM.
     *
     * @param key the key as the application wrote it ({@link LockKey#of(String)} keeps the name)
     * @param mode {@code "EXCLUSIVE"} or {@code "SHARED"}
     * @param engine the engine's name ({@code "PostgreSQL"}, {@code "MariaDB"}, {@code "MySQL"})
     * @param connectionIds the server sessions its hold is on ({@code pg_backend_pid()}, {@code CONNECTION_ID()})
     * @param thread the name of the thread that acquired it
     * @param acquiredAt when it was granted
     * @param site where the application acquired it ({@code com.example.Jobs.run(Jobs.java:42)}); empty when
     *     acquisition sites are not recorded ({@code DbLocks.Builder.recordAcquisitionSites(false)})
     */
    public record Held(
            LockKey key,
            String mode,
            String engine,
            Set<Long> connectionIds,
            String thread,
            Instant acquiredAt,
            Optional<String> site) {

        /** Checks that no component is null. */
        public Held {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(engine, "engine");
            connectionIds = Set.copyOf(connectionIds);
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(acquiredAt, "acquiredAt");
            Objects.requireNonNull(site, "site");
        }
    }

    /**
     * The keys held now, one entry per key of each hold (a re-entered key once per hold).
     *
     * @return a snapshot, in no particular order
     */
    public static List<Held> held() {
        List<Held> held = new ArrayList<>();
        HELD.forEach((hold, engine) -> {
            if (hold.isReleased() || hold.wasReportedLost()) {
                return; // its handle may still be referenced, but the server no longer holds it for this JVM
            }
            Set<Long> sessions = hold.pins.stream().map(p -> p.connectionId).collect(Collectors.toSet());
            Optional<String> site = hold.site == null || hold.site.length == 0
                    ? Optional.empty()
                    : Optional.of(hold.site[0].toStackTraceElement().toString());
            for (LockKey key : hold.keys) {
                held.add(
                        new Held(key, hold.mode.name(), engine, sessions, hold.owner.getName(), hold.acquiredAt, site));
            }
        });
        return held;
    }

    static void added(Hold hold, String engine) {
        HELD.put(hold, engine);
    }

    static void removed(Hold hold) {
        HELD.remove(hold);
    }
}
