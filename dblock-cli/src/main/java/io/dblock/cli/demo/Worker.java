package io.dblock.cli.demo;

import io.dblock.DbLocks;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * One named participant of the demo: a thread of its own plus a {@link DbLocks} of its own.
 *
 * <p>Its own {@code DbLocks} makes it behave like a separate application: threads sharing one {@code DbLocks} queue
 * for a key locally before going to the server, whereas separate instances meet on the server, where {@code pg_locks}
 * shows who waits for whom. Its own thread matters because a session lock belongs to the thread that acquired it:
 * every step of a worker runs on the same thread, in the order given.
 */
final class Worker implements AutoCloseable {

    /** How long any single step may take before the demo gives up; far beyond what any step needs. */
    static final Duration STEP_LIMIT = Duration.ofSeconds(10);

    private final String name;
    private final DataSource dataSource;
    private final DbLocks locks;
    private final ExecutorService thread;

    Worker(String name, DemoDatabase database) {
        this.name = name;
        this.dataSource = database.dataSource(applicationName(name));
        this.locks = DbLocks.create(dataSource);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, applicationName(name));
            // Daemon, so a worker stuck in a wait can never keep the JVM alive.
            t.setDaemon(true);
            return t;
        });
    }

    /** The {@code application_name} of this worker's sessions, which {@link ServerProbe} looks for. */
    static String applicationName(String workerName) {
        return "dblock-demo-" + workerName;
    }

    String name() {
        return name;
    }

    DbLocks locks() {
        return locks;
    }

    /** Opens a new session of this worker, for work in a transaction the worker manages itself. */
    Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    /** Starts {@code step} on this worker's thread without waiting for it (for steps that will block on a lock). */
    <T> Future<T> start(Callable<T> step) {
        return thread.submit(step);
    }

    /** Runs {@code step} on this worker's thread and waits for it to finish, passing on what it throws. */
    <T> T run(Callable<T> step) throws Exception {
        return finish(start(step));
    }

    /** Waits for a step started with {@link #start} and returns its result, passing on what it threw. */
    <T> T finish(Future<T> step) throws Exception {
        try {
            return step.get(STEP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            step.cancel(true);
            throw new IllegalStateException(name + " did not finish a step within " + STEP_LIMIT.toSeconds() + " s", e);
        }
    }

    /** Stops the thread, interrupting a step still waiting (dblock then cancels its wait on the server). */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
