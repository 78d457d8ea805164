package io.dblock.example.orders.demo;

import io.dblock.LockEvent;
import io.dblock.LockListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Puts dblock's own view into the demo's timeline. A {@link LockListener} bean is all it takes: the starter adds
 * every such bean to the {@code DbLocks} it builds (next to the Micrometer listener).
 */
@Component
@ConditionalOnProperty(name = "demo.run", havingValue = "true")
class DemoLockListener implements LockListener {

    private static final Logger log = LoggerFactory.getLogger(DemoLockListener.class);

    @Override
    public void acquired(LockEvent event) {
        log.info("  dblock: acquired {} after {}", event.lock(), millis(event.waited()));
    }

    @Override
    public void notAcquired(LockEvent event) {
        log.info("  dblock: NOT acquired {} ({} after {})", event.lock(), event.outcome(), millis(event.waited()));
    }

    @Override
    public void released(LockEvent event, Duration held) {
        // Called after the unlock: the next holder's "acquired" may be logged just before this line.
        log.info("  dblock: released {} (held {})", event.lock(), millis(held));
    }

    static String millis(Duration duration) {
        return duration.toMillis() + " ms";
    }
}
