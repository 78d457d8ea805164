package io.dblock.spring.boot.actuate;

import java.util.List;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * What the {@code dblock} endpoint returns: one inspection of the database's locks.
 *
 * @param status {@link #OK} when both lists come from the server; {@link #UNSUPPORTED} when the engine cannot list
 *     locks; {@link #NO_CONNECTION} when no connection could be borrowed (a pinned or exhausted pool); {@link #FAILED}
 *     when an inspection query failed. Except with {@code OK}, the lists hold what could be read (possibly nothing)
 *     and {@code unavailable} says why
 * @param engine the engine's name, e.g. {@code "PostgreSQL"}
 * @param serverVersion the server version detected at start
 * @param inspectedAt when the inspection began (ISO-8601)
 * @param locks every table and advisory lock held or requested, holders first, then by connection id
 * @param waits who waits for whom on the server, one entry per (waiter, blocker) pair
 * @param localWaiters this application's threads queued inside the JVM behind another of its threads for a key (they
 *     wait without a connection, so the server's {@code waits} cannot show them); read without SQL, so present in
 *     every status
 * @param unavailable why (part of) the answer is missing, or {@code null} with {@code OK}
 * @param pooler what stands between the application and the database, as {@code DbLocks} sees it ({@code
 *     LockInspector.pooler()}): {@code AUTO} until the first session lock, then {@code NONE} (direct) or {@code
 *     TRANSACTION} (a pooler was detected: session locks are held in an open transaction); or as configured
 * @param graceLeft how much is left of the grace period of a server that just came up ({@code LockInspector.graceLeft()},
 *     ISO-8601, such as {@code PT3.2S}), during which no session lock is taken there; {@code null} when none runs
 * @param connections the connections the {@code DbLocks} uses for session locks now and the holds on each ({@code
 *     LockInspector.connections()}), read without SQL
 */
public record DbLocksDescriptor(
        String status,
        String engine,
        String serverVersion,
        String inspectedAt,
        List<LockDescriptor> locks,
        List<WaitDescriptor> waits,
        int localWaiters,
        String unavailable,
        String pooler,
        String graceLeft,
        io.dblock.inspect.ConnectionUse connections)
        implements OperationResponseBody {

    /** Both lists were read. */
    public static final String OK = "OK";
    /** The engine cannot list locks (MySQL/MariaDB without {@code performance_schema}). */
    public static final String UNSUPPORTED = "UNSUPPORTED";
    /** No connection could be borrowed from the pool. */
    public static final String NO_CONNECTION = "NO_CONNECTION";
    /** An inspection query failed. */
    public static final String FAILED = "FAILED";

    /** Copies the lists. */
    public DbLocksDescriptor {
        locks = List.copyOf(locks);
        waits = List.copyOf(waits);
    }
}
