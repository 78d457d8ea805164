package io.dblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.dblock.support.Needs;
import io.dblock.support.Partition;
import io.dblock.support.Probe;
import io.dblock.testing.Await;
import io.dblock.testing.TestDatabase;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A silent network partition between a holder and the server (issue 16): the holder's connection is black-holed on
 * loopback with nftables (no answer, no reset), the other connections keep working. The watchdog's check of the
 * holding session runs with a network bound ({@code SessionLiveness.CHECK_BOUND_MILLIS}, 5 s), so the holder is told
 * within its interval plus that bound instead of waiting for the operating system's TCP timeout. Skips with the reason
 * where nftables or root is missing.
 */
@Needs
abstract class PartitionContract {

    static final Duration WATCHDOG = Duration.ofMillis(500);

    @Test
    void aPartitionedHolderIsToldWithinTheWatchdogIntervalPlusTheCheckBound(TestDatabase db) throws Exception {
        assumeThat(Partition.unavailable()).as("nftables and root").isEmpty();
        Probe probe = Probe.of(db);
        try (DbLocks holder =
                        DbLocks.builder(db.dataSource()).watchdog(WATCHDOG).build();
                DbLocks otherNode = DbLocks.create(db.dataSource())) {
            LockHandle held = holder.advisory("partition-told").acquire();
            CountDownLatch told = new CountDownLatch(1);
            AtomicLong toldAt = new AtomicLong();
            held.onLost(h -> {
                toldAt.set(System.nanoTime());
                told.countDown();
            });
            long session = held.connectionId();
            long cutAt;
            boolean serverStillHeld;
            try (Partition cut = Partition.cut(Partition.clientPort(db, session))) {
                cutAt = System.nanoTime();
                assertThat(told.await(30, TimeUnit.SECONDS))
                        .as("the holder was told its lock is lost")
                        .isTrue();
                serverStillHeld = otherNode.advisory("partition-told").isLocked();
            } finally {
                probe.terminate(session); // ends the zombie session, whatever the outcome
            }
            Duration toldAfter = Duration.ofNanos(toldAt.get() - cutAt);
            System.out.printf(
                    "%s: partition: holder told after %d ms; the server %s the lock then%n",
                    db.engine(), toldAfter.toMillis(), serverStillHeld ? "still held" : "had freed");
            assertThat(toldAfter)
                    .as("told within the watchdog interval plus the check's network bound, with 2 s to spare")
                    .isLessThanOrEqualTo(WATCHDOG.plusMillis(SessionLiveness.CHECK_BOUND_MILLIS)
                            .plusSeconds(2));
            assertThat(held.isHeld()).isFalse();
            Await.until(Duration.ofSeconds(15), "the terminated session's lock freed", () -> !otherNode
                    .advisory("partition-told")
                    .isLocked());
            held.release(); // quiet: known lost
        }
    }
}
