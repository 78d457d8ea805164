package io.dblock.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs a class of tests through JUnit from inside a test, with a 200 ms leak check: for tests of what the kit does to
 * the tests it runs. The inner classes are {@code @EnabledIf(InnerRun.INSIDE)}, so that they never run on their own.
 */
final class InnerRun {

    /** The condition of the inner classes: true only while {@link #run(Class)} runs. */
    static final String INSIDE = "io.dblock.testing.InnerRun#inside";

    /** How many runs are under way; a count, not a flag, so that one run ending does not disable another's tests. */
    private static final AtomicInteger RUNS = new AtomicInteger();

    private InnerRun() {}

    static boolean inside() {
        return RUNS.get() > 0;
    }

    static EngineExecutionResults run(Class<?> testClass) {
        RUNS.incrementAndGet();
        try {
            return EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(testClass))
                    .configurationParameter(DbLockExtension.LEAK_CHECK_TIMEOUT_PARAMETER, "200")
                    .execute();
        } finally {
            RUNS.decrementAndGet();
        }
    }

    /**
     * Asserts that of three tests only {@code leaksALock} failed, by the leak check, with a message that contains every
     * one of {@code fragments}.
     */
    static void assertOnlyTheLeakFailed(Events tests, String... fragments) {
        tests.assertStatistics(stats -> stats.started(3).succeeded(2).failed(1));
        tests.failed()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("leaksALock"),
                                finishedWithFailure(
                                        instanceOf(AssertionError.class),
                                        message(m -> List.of(fragments).stream().allMatch(m::contains)))));
    }
}
