package io.dblock;

import io.dblock.inspect.LockFilter;
import io.dblock.inspect.LockInfo;
import io.dblock.inspect.LockInspector;
import io.dblock.inspect.LockWait;
import io.dblock.inspect.WaitNode;
import io.dblock.spi.InspectionSnapshot;
import io.dblock.spi.SessionControl;
import java.util.List;
import java.util.Objects;

/** {@link LockInspector} over the engine's {@link InspectionSnapshot}. */
final class DefaultLockInspector implements LockInspector {

    private final LockContext context;

    /** An inspector for the locks of {@code context}'s server. */
    public DefaultLockInspector(LockContext context) {
        this.context = context;
    }

    @Override
    public List<LockInfo> locks() {
        return snapshot().locks();
    }

    @Override
    public List<LockInfo> locks(LockFilter filter) {
        Objects.requireNonNull(filter, "filter must not be null");
        return snapshot().locks().stream().filter(filter).toList();
    }

    @Override
    public List<LockWait> waits() {
        return new WaitGraph(snapshot()).waits();
    }

    @Override
    public List<WaitNode> waitTree() {
        return new WaitGraph(snapshot()).tree();
    }

    @Override
    public boolean cancel(long connectionId) {
        return signal(connectionId, false, "cancelling session " + connectionId);
    }

    @Override
    public boolean terminate(long connectionId) {
        return signal(connectionId, true, "terminating session " + connectionId);
    }

    @Override
    public java.util.Optional<java.time.Duration> graceLeft() {
        return context.servers.graceLeft();
    }

    @Override
    public io.dblock.inspect.ConnectionUse connections() {
        return context.sessions.connections();
    }

    @Override
    public Pooler pooler() {
        return context.pooler.current();
    }

    /** Cancels the session's statement, or ends the session, through the engine's {@link SessionControl}. */
    private boolean signal(long connectionId, boolean terminate, String description) {
        return context.withConnection(
                c -> {
                    // the connection is adapted, so the pooler is known by now, also on a first use
                    if (terminate && context.pooler.current() == Pooler.TRANSACTION) {
                        throw new UnsupportedLockException(
                                "terminating a session through a pooler in transaction mode (Pooler.TRANSACTION) would"
                                        + " end a server session other clients share; cancel its statement (cancel(id))"
                                        + " instead, or terminate it on a direct connection to the server",
                                description);
                    }
                    SessionControl control = Facets.require(context.engine, SessionControl.class, null);
                    return terminate ? control.terminate(c, connectionId) : control.cancel(c, connectionId);
                },
                description);
    }

    InspectionSnapshot snapshot() {
        io.dblock.spi.Inspection inspection = Facets.require(context.engine, io.dblock.spi.Inspection.class, null);
        return context.withConnection(inspection::inspect, "inspecting locks");
    }
}
