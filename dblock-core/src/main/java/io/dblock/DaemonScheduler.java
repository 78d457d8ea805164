package io.dblock;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The single-thread schedulers dblock runs its background checks on. */
final class DaemonScheduler {

    private DaemonScheduler() {}

    /**
     * One daemon thread named {@code threadName}, started on demand and ended after 10 s without work, so an idle
     * {@code DbLocks} keeps no thread; cancelled tasks are dropped at once rather than at their due time.
     */
    static ScheduledThreadPoolExecutor idleStopping(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.setKeepAliveTime(10, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
