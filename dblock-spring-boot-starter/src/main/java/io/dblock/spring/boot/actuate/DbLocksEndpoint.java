package io.dblock.spring.boot.actuate;

import io.dblock.DbLocks;
import io.dblock.LockException;
import io.dblock.UnsupportedLockException;
import io.dblock.inspect.LockInspector;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * Actuator endpoint {@code dblock}: a snapshot of the database's table and advisory locks, held and awaited, of who
 * waits for whom, and of this application's threads queued inside the JVM ({@code GET /actuator/dblock}).
 *
 * <p>Each read runs {@link LockInspector#locks()} and {@link LockInspector#waits()} on one borrowed connection each, so
 * the two lists are two snapshots taken a moment apart. It shows every session of the database, not only this
 * application's. Session details (user, application name, query text) come from the server, which may hide other
 * users' queries (PostgreSQL shows them to superusers and {@code pg_read_all_stats} members only). Query texts can
 * carry sensitive values: secure the endpoint as you secure the others.
 *
 * <p>The endpoint always answers: when no connection can be borrowed (after the pool's connection timeout; the
 * second query is then not tried, so the answer waits one timeout, not two) or a query fails, the answer has status
 * {@link DbLocksDescriptor#NO_CONNECTION} or {@link DbLocksDescriptor#FAILED}, the part read so far, the JVM-local
 * waiters, and the reason.
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
     * @return the snapshot, with a {@link DbLocksDescriptor#status()} saying whether it is complete; never throws for
     *     an unsupported engine, an unavailable connection or a failed query
     */
    @ReadOperation
    public DbLocksDescriptor locks() {
        Instant inspectedAt = Instant.now();
        LockInspector inspector = locks.inspector();
        List<LockDescriptor> held = List.of();
        try {
            held = inspector.locks().stream().map(LockDescriptor::of).toList();
            List<WaitDescriptor> waits =
                    inspector.waits().stream().map(WaitDescriptor::of).toList();
            return answer(DbLocksDescriptor.OK, inspectedAt, held, waits, null);
        } catch (UnsupportedLockException e) {
            return answer(DbLocksDescriptor.UNSUPPORTED, inspectedAt, held, List.of(), e.getMessage());
        } catch (LockException e) {
            String status = noConnection(e) ? DbLocksDescriptor.NO_CONNECTION : DbLocksDescriptor.FAILED;
            return answer(status, inspectedAt, held, List.of(), e.getMessage());
        }
    }

    private DbLocksDescriptor answer(
            String status,
            Instant inspectedAt,
            List<LockDescriptor> held,
            List<WaitDescriptor> waits,
            String unavailable) {
        return new DbLocksDescriptor(
                status,
                locks.engineName(),
                locks.serverVersion(),
                inspectedAt.toString(),
                held,
                waits,
                locks.locallyWaitingThreads(),
                unavailable,
                locks.inspector().pooler().name(),
                locks.inspector().graceLeft().map(Object::toString).orElse(null),
                locks.inspector().connections());
    }

    /** A pool's borrow timeout (HikariCP, DBCP2 and the JDBC spec's class for it) or a connection-class SQLState. */
    private static boolean noConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof java.sql.SQLException sql
                            && sql.getSQLState() != null
                            && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
