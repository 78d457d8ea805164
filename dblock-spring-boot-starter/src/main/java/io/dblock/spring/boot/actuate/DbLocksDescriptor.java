package io.dblock.spring.boot.actuate;

import java.util.List;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * What the {@code dblock} endpoint returns: one inspection of the database's locks.
 *
 * @param engine the engine's name, e.g. {@code "PostgreSQL"}
 * @param serverVersion the server version detected at start
 * @param inspectedAt when the inspection began (ISO-8601)
 * @param locks every table and advisory lock held or requested, holders first, then by connection id
 * @param waits who waits for whom, one entry per (waiter, blocker) pair
 * @param unavailable why locks cannot be listed on this server, or {@code null} when they were
 */
public record DbLocksDescriptor(
        String engine,
        String serverVersion,
        String inspectedAt,
        List<LockDescriptor> locks,
        List<WaitDescriptor> waits,
        String unavailable)
        implements OperationResponseBody {

    /** Copies the lists. */
    public DbLocksDescriptor {
        locks = List.copyOf(locks);
        waits = List.copyOf(waits);
    }
}
