package io.dblock;

import io.dblock.spi.LockEngine;
import io.dblock.spi.Wait;
import io.dblock.spi.WaitGuard;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * What cancels the server waits of one {@code DbLocks}' lock statements: an interrupt of the waiting thread ({@link
 * InterruptWatcher}), and for a prioritised wait also the blockers its {@link Priority} ends ({@link
 * PrioritisingGuard}), each on the instance's own background thread.
 */
final class WaitGuards {

    private final DataSource dataSource;
    private final LockEngine engine;
    final PoolerSetting pooler;
    final InterruptWatcher interrupts;
    final BackgroundThreads.Kind prioritiser;

    WaitGuards(DataSource dataSource, LockEngine engine, PoolerSetting pooler, BackgroundThreads threads) {
        this.dataSource = dataSource;
        this.pooler = pooler;
        this.engine = engine;
        this.interrupts = new InterruptWatcher(threads.interrupts);
        this.prioritiser = threads.prioritiser;
    }

    /** The server's id of the waiting session, read only when a priority needs it (one round trip at most). */
    @FunctionalInterface
    interface WaiterId {
        long get() throws SQLException;
    }

    /**
     * The guard of one lock statement: interrupts always; with a priority and a wait, also the blocker check.
     *
     * @param priority null for none
     */
    WaitGuard forWait(Priority priority, Wait wait, WaiterId waiter, String description) throws SQLException {
        if (priority == null || wait.isNone()) {
            return interrupts;
        }
        return new PrioritisingGuard(dataSource, engine, priority, waiter.get(), description, this);
    }
}
