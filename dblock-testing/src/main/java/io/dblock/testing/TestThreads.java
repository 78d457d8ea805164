package io.dblock.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Threads a test owns: each task gets a named thread of its own, started at once, so tasks that block and wait for
 * each other (a holder and its waiter, two sides of a deadlock) really run at the same time.
 *
 * <p>Use it instead of {@code CompletableFuture.runAsync/supplyAsync} without an executor: those run on the common
 * {@link java.util.concurrent.ForkJoinPool}, which on a small machine has one worker, so on recent JDKs blocking tasks
 * run one after another and a test that needs two of them at once hangs.
 *
 * <pre>{@code
 * @AutoClose final TestThreads threads = new TestThreads();
 *
 * @Test
 * void waiterGetsTheLockWhenReleased() throws Exception {
 *     TestThreads.TestThread<Boolean> waiter = threads.start("waiter", () -> tryLock(Duration.ofSeconds(30)));
 *     Await.until(Duration.ofSeconds(10), "the waiter waits", () -> waitingSessions() == 1);
 *     release();
 *     assertThat(waiter.get(Duration.ofSeconds(10))).isTrue();
 * }
 * }</pre>
 *
 * <p>{@link #close()} interrupts the threads that are still running, waits for them, and fails when one is still
 * running after that, so a test cannot leave a thread behind unnoticed. Close it at the end of each test, for example
 * with JUnit's {@code @AutoClose} on a field (closed after the {@code @AfterEach} methods) or try-with-resources.
 *
 * <p>Threads are platform daemon threads by default. Pass another {@link ThreadFactory} to use other threads, for
 * example {@code new TestThreads(Thread.ofVirtual().factory())} on JDK 21 or newer; the name given to {@link #start}
 * replaces the factory's. This class is thread-safe.
 */
public final class TestThreads implements AutoCloseable {

    /** How long {@link #close()} waits, in all, for interrupted threads to end, unless told otherwise. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private final ThreadFactory factory;
    private final Duration grace;
    private final List<TestThread<?>> started = new ArrayList<>();
    private boolean closed;

    /** Platform daemon threads, with {@link #DEFAULT_GRACE}. */
    public TestThreads() {
        this(TestThreads::daemon, DEFAULT_GRACE);
    }

    /**
     * Threads from {@code factory}, with {@link #DEFAULT_GRACE}.
     *
     * @param factory makes the threads, for example {@code Thread.ofVirtual().factory()}; must return a new, unstarted
     *     thread
     */
    public TestThreads(ThreadFactory factory) {
        this(factory, DEFAULT_GRACE);
    }

    /**
     * Threads from {@code factory}; {@link #close()} waits up to {@code grace} for interrupted threads to end.
     *
     * @param factory makes the threads; must return a new, unstarted thread
     * @param grace how long {@link #close()} waits, in all, for the threads it interrupted
     */
    public TestThreads(ThreadFactory factory, Duration grace) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.grace = Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
    }

    /**
     * Starts {@code task} on a new thread called {@code name}.
     *
     * @param name the thread's name, shown in thread dumps and failure messages
     * @param task the work; what it returns or throws is what {@link TestThread#get} returns or throws
     * @param <T> the result type
     * @return the started thread's handle
     * @throws IllegalStateException if this was closed
     */
    public <T> TestThread<T> start(String name, Callable<T> task) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread = factory.newThread(future);
        if (thread == null) {
            throw new IllegalStateException("the thread factory returned no thread for " + name);
        }
        thread.setName(name);
        TestThread<T> handle = new TestThread<>(name, thread, future);
        synchronized (started) {
            if (closed) {
                throw new IllegalStateException("TestThreads is closed; cannot start " + name);
            }
            started.add(handle);
            thread.start();
        }
        return handle;
    }

    /**
     * Starts {@code task}, which returns nothing, on a new thread called {@code name}.
     *
     * @param name the thread's name, shown in thread dumps and failure messages
     * @param task the work; what it throws is what {@link TestThread#get} throws
     * @return the started thread's handle, whose result is {@code null}
     * @throws IllegalStateException if this was closed
     */
    public TestThread<Void> start(String name, Task task) {
        Objects.requireNonNull(task, "task");
        return start(name, () -> {
            task.run();
            return null;
        });
    }

    /**
     * Waits for each of {@code threads} in turn, up to {@code timeout} in all, and returns their results in the same
     * order; for tasks started together that must all succeed.
     *
     * @param timeout how long to wait for all of them together
     * @param threads the threads, from any {@code TestThreads}
     * @param <T> the result type
     * @return the results, in the order of {@code threads}
     * @throws ExecutionException the first failure met, in the order of {@code threads}
     * @throws TimeoutException if one is still running when the time is up
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public static <T> List<T> getAll(Duration timeout, List<? extends TestThread<? extends T>> threads)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<T> results = new ArrayList<>(threads.size());
        for (TestThread<? extends T> t : threads) {
            results.add(t.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        }
        return results;
    }

    /**
     * Interrupts every thread that is still running, waits up to the grace period for them to end, and fails if one
     * is still running then. Calling it again does nothing; starting threads afterwards is refused.
     *
     * <p>A failure of a task that ended is not reported here: check it with {@link TestThread#get}.
     *
     * @throws AssertionError naming each thread still running, with its stack trace as a suppressed exception
     */
    @Override
    public void close() {
        List<TestThread<?>> all;
        synchronized (started) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(started);
        }
        for (TestThread<?> t : all) {
            if (t.thread.isAlive()) {
                t.thread.interrupt();
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        boolean interrupted = false;
        List<TestThread<?>> alive = new ArrayList<>();
        for (TestThread<?> t : all) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!t.awaitTermination(Duration.ofNanos(left))) {
                    alive.add(t);
                }
            } catch (InterruptedException e) {
                interrupted = true;
                if (t.thread.isAlive()) {
                    alive.add(t);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!alive.isEmpty()) {
            StringBuilder names = new StringBuilder();
            for (TestThread<?> t : alive) {
                names.append(names.length() == 0 ? "" : ", ").append(t.name);
            }
            AssertionError error = new AssertionError(alive.size() + " test thread(s) still running " + format(grace)
                    + " after being interrupted: " + names);
            for (TestThread<?> t : alive) {
                error.addSuppressed(t.stackTrace());
            }
            throw error;
        }
    }

    private static Thread daemon(Runnable work) {
        Thread thread = new Thread(work);
        thread.setDaemon(true);
        return thread;
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Work that returns nothing and may throw, for {@link #start(String, Task)}. */
    @FunctionalInterface
    public interface Task {
        /**
         * Does the work.
         *
         * @throws Exception anything; {@link TestThread#get} throws it wrapped in an {@link ExecutionException}
         */
        void run() throws Exception;
    }

    /**
     * One started thread and its outcome. {@link #get} behaves as {@link Future#get}: it returns the task's result or
     * throws {@link ExecutionException} with what the task threw as its cause. {@link #cancel cancel(true)} interrupts
     * the thread.
     *
     * @param <T> the result type
     */
    public static final class TestThread<T> implements Future<T> {
        private final String name;
        private final Thread thread;
        private final FutureTask<T> future;

        private TestThread(String name, Thread thread, FutureTask<T> future) {
            this.name = name;
            this.thread = thread;
            this.future = future;
        }

        /**
         * The thread's name, as given to {@link TestThreads#start}.
         *
         * @return the name
         */
        public String name() {
            return name;
        }

        /**
         * The thread itself, for example to interrupt it or to read its state.
         *
         * @return the thread
         */
        public Thread thread() {
            return thread;
        }

        /** Interrupts the thread. */
        public void interrupt() {
            thread.interrupt();
        }

        /**
         * Waits up to {@code timeout} for the task's outcome.
         *
         * @param timeout how long to wait
         * @return the task's result
         * @throws ExecutionException if the task threw; the cause is what it threw
         * @throws TimeoutException if it is still running; the cause carries the thread's current stack trace
         * @throws InterruptedException if the calling thread is interrupted while waiting
         */
        public T get(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
            return get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            try {
                return future.get(timeout, unit);
            } catch (TimeoutException e) {
                TimeoutException described = new TimeoutException("test thread " + name + " still running after "
                        + format(Duration.ofNanos(unit.toNanos(timeout))));
                described.initCause(stackTrace());
                throw described;
            }
        }

        /**
         * Waits for the task's outcome without a time limit; prefer {@link #get(Duration)} in tests.
         *
         * @return the task's result
         * @throws ExecutionException if the task threw; the cause is what it threw
         * @throws InterruptedException if the calling thread is interrupted while waiting
         */
        @Override
        public T get() throws InterruptedException, ExecutionException {
            return future.get();
        }

        /**
         * Waits up to {@code timeout} for the task's outcome, unchecked: for clean-ups and lambdas that cannot throw
         * checked exceptions. Like {@link java.util.concurrent.CompletableFuture#join()}, what the task threw comes
         * as the cause of a {@link CompletionException}.
         *
         * @param timeout how long to wait
         * @return the task's result
         * @throws CompletionException if the task threw; the cause is what it threw
         * @throws java.util.concurrent.CancellationException if the task was cancelled
         * @throws AssertionError if it is still running after {@code timeout} (the cause carries the thread's stack
         *     trace), or if the calling thread is interrupted while waiting (the interrupt flag is kept)
         */
        public T join(Duration timeout) {
            try {
                return get(timeout);
            } catch (ExecutionException e) {
                throw new CompletionException(e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError(e.getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for test thread " + name, e);
            }
        }

        /**
         * Waits up to {@code timeout} for the thread to end, whatever its outcome.
         *
         * @param timeout how long to wait
         * @return whether the thread has ended
         * @throws InterruptedException if the calling thread is interrupted while waiting
         */
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            long nanos = timeout.toNanos();
            if (nanos > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, nanos);
            }
            return !thread.isAlive();
        }

        /**
         * Whether the task has completed: returned, thrown or been cancelled. The thread may still be ending; see
         * {@link #awaitTermination(Duration)}.
         */
        @Override
        public boolean isDone() {
            return future.isDone();
        }

        /**
         * Cancels the task; with {@code mayInterruptIfRunning} the thread is interrupted.
         *
         * @param mayInterruptIfRunning whether to interrupt the thread
         * @return whether it was cancelled (false if it had completed)
         */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return future.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean isCancelled() {
            return future.isCancelled();
        }

        private Throwable stackTrace() {
            Throwable where = new Throwable("stack trace of test thread " + name + " (" + thread.getState() + ")");
            where.setStackTrace(thread.getStackTrace());
            return where;
        }

        @Override
        public String toString() {
            return "TestThread[" + name + ", " + (isDone() ? "done" : thread.isAlive() ? "running" : "not started")
                    + "]";
        }
    }
}
