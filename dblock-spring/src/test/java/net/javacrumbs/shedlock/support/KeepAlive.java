package net.javacrumbs.shedlock.support;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockProvider;

/**
 * ShedLock's {@link KeepAliveLockProvider} with a shorter minimal {@code lockAtMostFor} than its public constructor's
 * 30 s, through ShedLock's own package-private constructor, so that a test can watch several extensions in seconds.
 */
public final class KeepAlive {

    private KeepAlive() {}

    /** A keep-alive provider over {@code wrapped} that accepts a {@code lockAtMostFor} of at least {@code minimum}. */
    public static LockProvider withMinimum(
            ExtensibleLockProvider wrapped, ScheduledExecutorService scheduler, Duration minimum) {
        return new KeepAliveLockProvider(wrapped, scheduler, minimum);
    }
}
