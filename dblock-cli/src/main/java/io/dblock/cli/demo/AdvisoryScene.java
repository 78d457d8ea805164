package io.dblock.cli.demo;

import io.dblock.LockHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * Scene two, an advisory lock, which a session holds until it releases it: alice holds {@code "invoice:42"}; bob would
 * send the invoice only if the lock is free within 100 ms, and skips it; carol waits for as long as it takes and sends
 * it once alice releases.
 */
final class AdvisoryScene {

    private static final String KEY = "invoice:42";
    private static final String QUOTED_KEY = "\"" + KEY + "\"";
    private static final Duration BOB_PATIENCE = Duration.ofMillis(100);

    private final Cast cast;

    AdvisoryScene(Cast cast) {
        this.cast = cast;
    }

    void play() throws Exception {
        cast.timeline().note("Advisory lock " + QUOTED_KEY + " (held by a session until it releases it)");
        LockHandle aliceHold = cast.alice().run(this::aliceHolds);
        try {
            cast.bob().run(this::bobSendsIfFree);
            Future<Void> carolSends = cast.carol().start(this::carolSendsWhenFree);
            int carolPid = cast.probe().awaitWaiting(cast.carol());
            cast.alice().run(() -> aliceReleases(aliceHold, carolPid));
            cast.carol().finish(carolSends);
        } finally {
            if (aliceHold.isHeld()) {
                // The scene broke off; a handle may only be released by the thread that acquired it.
                cast.alice().run(() -> {
                    aliceHold.close();
                    return null;
                });
            }
        }
    }

    private LockHandle aliceHolds() {
        LockHandle hold =
                cast.alice().locks().advisory(KEY).timeout(Worker.STEP_LIMIT).acquire();
        cast.log(cast.alice(), "holds " + QUOTED_KEY + " on backend pid " + hold.connectionId());
        return hold;
    }

    private Void bobSendsIfFree() {
        Worker bob = cast.bob();
        cast.log(bob, "tries " + QUOTED_KEY + " for up to " + BOB_PATIENCE.toMillis() + " ms, else skips the work...");
        long start = System.nanoTime();
        Optional<String> sent = bob.locks().advisory(KEY).tryWithLock(BOB_PATIENCE, () -> "sent");
        if (sent.isPresent()) {
            throw new IllegalStateException("bob got " + QUOTED_KEY + " although alice held it");
        }
        long waited = Cast.millisSince(start);
        cast.log(
                bob,
                "skipped the work: " + QUOTED_KEY + " still busy after " + waited + " ms (tryWithLock returned empty)");
        cast.summary().add("skipped", bob, "sending invoice 42: tryWithLock found " + QUOTED_KEY + " busy");
        return null;
    }

    private Void carolSendsWhenFree() {
        Worker carol = cast.carol();
        cast.log(carol, "waits without limit for " + QUOTED_KEY + "...");
        try (LockHandle hold = carol.locks().advisory(KEY).waitForever().acquire()) {
            long waited = hold.waited().toMillis();
            cast.log(
                    carol,
                    "got " + QUOTED_KEY + " after " + waited + " ms on backend pid " + hold.connectionId()
                            + ", sends invoice 42, releases it");
            cast.summary().add("waited", carol, waited + " ms for " + QUOTED_KEY + ", then sent invoice 42");
        }
        return null;
    }

    private Void aliceReleases(LockHandle hold, int carolPid) {
        // Logged before the release: once it is released, carol may print her line at any moment.
        cast.log(cast.alice(), "sees carol (pid " + carolPid + ") waiting in pg_locks; releases " + QUOTED_KEY);
        hold.release();
        return null;
    }
}
