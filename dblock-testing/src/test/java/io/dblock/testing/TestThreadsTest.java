package io.dblock.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TestThreadsTest {

    @Test
    void tasksThatWaitForEachOtherRunAtTheSameTime() throws Exception {
        try (TestThreads threads = new TestThreads()) {
            int n = 8; // more than the common pool has workers on a small machine
            CountDownLatch all = new CountDownLatch(n);
            List<TestThreads.TestThread<Boolean>> started = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                started.add(threads.start("meet-" + i, () -> {
                    all.countDown();
                    return all.await(10, TimeUnit.SECONDS);
                }));
            }
            for (TestThreads.TestThread<Boolean> t : started) {
                assertThat(t.get(Duration.ofSeconds(10))).as(t.name()).isTrue();
            }
        }
    }

    @Test
    void returnsTheResultOnANamedDaemonThread() throws Exception {
        try (TestThreads threads = new TestThreads()) {
            TestThreads.TestThread<String> t = threads.start(
                    "worker-1",
                    () -> Thread.currentThread().getName() + " "
                            + Thread.currentThread().isDaemon());
            assertThat(t.get(Duration.ofSeconds(10))).isEqualTo("worker-1 true");
            assertThat(t.name()).isEqualTo("worker-1");
            assertThat(t.isDone()).isTrue();
            assertThat(t.awaitTermination(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aFailureComesBackAsTheCauseOfAnExecutionException() {
        try (TestThreads threads = new TestThreads()) {
            TestThreads.TestThread<Void> t = threads.start("failing", () -> {
                throw new IOException("boom");
            });
            assertThatThrownBy(() -> t.get(Duration.ofSeconds(10)))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(IOException.class)
                    .hasMessage("boom");
        }
    }

    @Test
    void aTimedOutGetNamesTheThreadAndShowsWhereItIs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestThreads threads = new TestThreads()) {
            TestThreads.TestThread<Boolean> t = threads.start("stuck", () -> release.await(30, TimeUnit.SECONDS));
            Await.until(
                    Duration.ofSeconds(10),
                    "the thread waits",
                    () -> t.thread().getState() == Thread.State.TIMED_WAITING);
            assertThatThrownBy(() -> t.get(Duration.ofMillis(50)))
                    .isInstanceOf(TimeoutException.class)
                    .hasMessage("test thread stuck still running after 50 ms")
                    .cause()
                    .hasMessageContaining("stack trace of test thread stuck")
                    .satisfies(e -> assertThat(e.getStackTrace())
                            .anySatisfy(f -> assertThat(f.getClassName()).isEqualTo(CountDownLatch.class.getName())));
            release.countDown();
            assertThat(t.get(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void closeInterruptsWhatIsLeftAndPassesWhenItEnds() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        TestThreads.TestThread<Void> t;
        try (TestThreads threads = new TestThreads()) {
            t = threads.start("waits-forever", () -> {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                }
            });
            Await.until(
                    Duration.ofSeconds(10), "the thread waits", () -> t.thread().getState() == Thread.State.WAITING);
        }
        assertThat(interrupted).isTrue();
        assertThat(t.thread().isAlive()).isFalse();
        assertThatThrownBy(() -> t.get(Duration.ZERO)).cause().isInstanceOf(InterruptedException.class);
    }

    @Test
    void closeFailsWhenAThreadIsStillRunningAfterTheGrace() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestThreads threads = new TestThreads(TestThreadsTest::platform, Duration.ofMillis(200));
        TestThreads.TestThread<Void> t = threads.start("ignores-interrupts", () -> {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // keeps running, as a task blocked where an interrupt does not reach would
                }
            }
        });
        threads.start("ends", () -> "done").get(Duration.ofSeconds(10));
        try {
            assertThatThrownBy(threads::close)
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("1 test thread(s) still running 200 ms after being interrupted: ignores-interrupts")
                    .satisfies(
                            e -> assertThat(e.getSuppressed()).singleElement().satisfies(s -> assertThat(s.getMessage())
                                    .startsWith("stack trace of test thread ignores-interrupts")));
        } finally {
            release.countDown();
            assertThat(t.awaitTermination(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void joinIsGetUnchecked() {
        try (TestThreads threads = new TestThreads()) {
            assertThat(threads.start("fine", () -> 42).join(Duration.ofSeconds(10)))
                    .isEqualTo(42);
            TestThreads.TestThread<Void> failing = threads.start("failing", () -> {
                throw new IOException("boom");
            });
            assertThatThrownBy(() -> failing.join(Duration.ofSeconds(10)))
                    .isInstanceOf(CompletionException.class)
                    .cause()
                    .isInstanceOf(IOException.class)
                    .hasMessage("boom");
            CountDownLatch release = new CountDownLatch(1);
            TestThreads.TestThread<Boolean> stuck = threads.start("stuck", () -> release.await(30, TimeUnit.SECONDS));
            assertThatThrownBy(() -> stuck.join(Duration.ofMillis(50)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("test thread stuck still running after 50 ms");
            release.countDown();
            assertThat(stuck.join(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void getAllReturnsTheResultsInOrderOrTheFirstFailure() throws Exception {
        try (TestThreads threads = new TestThreads()) {
            CountDownLatch both = new CountDownLatch(2);
            List<TestThreads.TestThread<Integer>> pair = List.of(
                    threads.start("one", () -> {
                        both.countDown();
                        both.await(10, TimeUnit.SECONDS);
                        return 1;
                    }),
                    threads.start("two", () -> {
                        both.countDown();
                        both.await(10, TimeUnit.SECONDS);
                        return 2;
                    }));
            assertThat(TestThreads.getAll(Duration.ofSeconds(10), pair)).containsExactly(1, 2);
            List<TestThreads.TestThread<Object>> failing =
                    List.of(threads.start("ok", () -> "ok"), threads.start("bad", () -> {
                        throw new IllegalStateException("bad");
                    }));
            assertThatThrownBy(() -> TestThreads.getAll(Duration.ofSeconds(10), failing))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .hasMessage("bad");
        }
    }

    @Test
    void refusesToStartOnceClosed() {
        TestThreads threads = new TestThreads();
        threads.close();
        threads.close();
        assertThatThrownBy(() -> threads.start("late", () -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TestThreads is closed; cannot start late");
    }

    @Test
    void cancelInterruptsTheThread() throws Exception {
        try (TestThreads threads = new TestThreads()) {
            CountDownLatch started = new CountDownLatch(1);
            TestThreads.TestThread<Void> t = threads.start("cancelled", () -> {
                started.countDown();
                new CountDownLatch(1).await();
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(t.cancel(true)).isTrue();
            assertThat(t.awaitTermination(Duration.ofSeconds(10))).isTrue();
            assertThat(t.isCancelled()).isTrue();
        }
    }

    @Test
    void usesTheGivenFactoryAndItsThreadKind() throws Exception {
        try (TestThreads threads = new TestThreads(TestThreadsTest::platform)) {
            assertThat(threads.start("non-daemon", () -> Thread.currentThread().isDaemon())
                            .get(Duration.ofSeconds(10)))
                    .isFalse();
        }
    }

    /** On JDK 21+, virtual threads through {@code Thread.ofVirtual().factory()}, called reflectively: built for 17. */
    @Test
    void runsOnVirtualThreadsFromTheirFactory() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+, this is " + Runtime.version());
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        ThreadFactory factory = (ThreadFactory)
                Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        try (TestThreads threads = new TestThreads(factory)) {
            CountDownLatch both = new CountDownLatch(2);
            TestThreads.TestThread<String> a = threads.start("virtual-a", () -> meet(both));
            TestThreads.TestThread<String> b = threads.start("virtual-b", () -> meet(both));
            assertThat(a.get(Duration.ofSeconds(10))).isEqualTo("virtual-a virtual");
            assertThat(b.get(Duration.ofSeconds(10))).isEqualTo("virtual-b virtual");
        }
    }

    private static String meet(CountDownLatch both) throws Exception {
        both.countDown();
        assertThat(both.await(10, TimeUnit.SECONDS)).isTrue();
        boolean virtual = (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
        return Thread.currentThread().getName() + (virtual ? " virtual" : " platform");
    }

    private static Thread platform(Runnable work) {
        return new Thread(work);
    }
}
