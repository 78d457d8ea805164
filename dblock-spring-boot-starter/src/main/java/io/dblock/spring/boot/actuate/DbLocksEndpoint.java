package io.dblock.spring.boot.actuate;

import io.dblock.DbLocks;
import io.dblock.UnsupportedLockException;
import io.dblock.inspect.LockInspector;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * Actuator endpoint {@code dblock}: a snapshot of the database's table and advisory locks, held and awaited, and of who
 * waits for whom ({@code GET /actuator/dblock}).
 *
 * <p>Each read runs {@link LockInspector#locks()} and {@link LockInspector#waits()} on one borrowed connection each, so
 * the two lists are two snapshots taken a moment apart. It shows every session of the database, not only this
 * application's. Session details (user, application name, query text) come from the server, which may hide other
 * users' queries (PostgreSQL shows them to superusers and {@code pg_read_all_stats} members only). Query texts can
 * carry sensitive values: secure the endpoint as you secure the others.
 */
@Endpoint(id = "dblock")
public class DbLocksEndpoint {

    private final DbLocks locks;

    /**
     * Creates the endpoint.
     *
     * @param locks whose inspector to read
     */
    public DbLocksEndpoint(DbLocks locks) {
        this.locks = Objects.requireNonNull(locks, "locks must not be null");
    }

    /**
     * Lists the current locks and waits.
     *
     * @return the snapshot; when the engine cannot list locks (MySQL/MariaDB without {@code performance_schema}), empty
     *     lists and {@link DbLocksDescriptor#unavailable()} saying how to enable it
     * @throws io.dblock.LockFailedException if the inspection queries fail
     */
    @ReadOperation
    public DbLocksDescriptor locks() {
        Instant inspectedAt = Instant.now();
        LockInspector inspector = locks.inspector();
        try {
            return new DbLocksDescriptor(
                    locks.engineName(),
                    locks.serverVersion(),
                    inspectedAt.toString(),
                    inspector.locks().stream().map(LockDescriptor::of).toList(),
                    inspector.waits().stream().map(WaitDescriptor::of).toList(),
                    null);
        } catch (UnsupportedLockException e) {
            return new DbLocksDescriptor(
                    locks.engineName(),
                    locks.serverVersion(),
                    inspectedAt.toString(),
                    List.of(),
                    List.of(),
                    e.getMessage());
        }
    }
}
