package io.dblock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The life of a started embedded server, shared by {@link EmbeddedPostgres} and {@link EmbeddedMariaDb}: a JVM shutdown
 * hook that stops it, a restart that closes it for good if the server does not come back, and an idempotent close that
 * deletes its data. The public classes delegate to it, so that each keeps its own documented API.
 */
final class EmbeddedServer {

    private final Object owner;
    private final String name;
    private final ServerProcess server;
    private final System.Logger log;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    /**
     * Registers the shutdown hook that stops {@code server} when the JVM exits.
     *
     * @param owner the public instance, named in exception messages
     * @param name the engine and perhaps its version, for messages and the hook's thread: {@code "MariaDB 11.4.5"}
     */
    EmbeddedServer(Object owner, String name, ServerProcess server) {
        this.owner = owner;
        this.name = name;
        this.server = server;
        this.log = System.getLogger(owner.getClass().getName());
        this.shutdownHook = new Thread(
                this::stopServer,
                "dblock-embedded-" + name.toLowerCase(Locale.ROOT).replace(' ', '-') + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // a throw-away server held no locks before it started: dblock's grace period after a server start would only
        // slow the first seconds of a test run (tests of the grace set it on their own DbLocks)
        if (System.getProperty(GRACE_PROPERTY) == null) {
            System.setProperty(GRACE_PROPERTY, "PT0S");
        }
    }

    /** {@code io.dblock.Failover.GRACE_PROPERTY}, named here as dblock-testing does not depend on dblock-core. */
    static final String GRACE_PROPERTY = "dblock.failover.grace";

    /**
     * Returns what {@code wrap} makes of a server that just started, stopping the server if that fails: nothing else
     * would, since its shutdown hook comes with the wrapper.
     */
    static <T> T wrapOrStop(ServerProcess server, Supplier<T> wrap) {
        try {
            return wrap.get();
        } catch (RuntimeException e) {
            try {
                server.stop();
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Restarts the server on its port and data directory; if it cannot come back, closes it (deleting its data) and
     * throws. Serialised with {@link #close()}.
     *
     * @throws IllegalStateException if the server was closed, or could not be started again
     */
    synchronized void restart() {
        if (closed.get()) {
            throw new IllegalStateException("Cannot restart " + owner + ": it was closed");
        }
        long start = System.nanoTime();
        try {
            server.restart();
        } catch (IOException | RuntimeException e) {
            IllegalStateException failure =
                    new IllegalStateException("Cannot restart " + owner + "; it is closed now: " + e.getMessage(), e);
            try {
                close();
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        log.log(
                Level.INFO,
                "Embedded {0} restarted on 127.0.0.1:{1} in {2} ms",
                name,
                Integer.toString(server.port),
                Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
    }

    /**
     * Stops the server and deletes its data, unless that happened already.
     *
     * @throws UncheckedIOException if the data directory cannot be deleted
     */
    void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is already running or about to; it stops the server.
        }
        stopServer();
    }

    private synchronized void stopServer() {
        if (closed.compareAndSet(false, true)) {
            try {
                server.stop();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot stop embedded " + name + " in " + server.instanceDir, e);
            }
        }
    }

    /**
     * One embedded server of a kind per JVM, started on first use and again after it was closed. A start that failed
     * is remembered: every later call fails at once with the same cause instead of trying again.
     */
    static final class Shared<S> {

        /** Starts the server. */
        interface Start<S> {
            S start() throws IOException;
        }

        private final String name;
        private final Start<S> start;
        private final Predicate<S> isClosed;
        private S instance;
        private RuntimeException failure;

        /**
         * @param name the engine and perhaps its version, for messages: {@code "PostgreSQL"}, {@code "MariaDB 11.4.5"}
         * @param isClosed whether an instance was closed, so that the next call starts a new one
         */
        Shared(String name, Start<S> start, Predicate<S> isClosed) {
            this.name = name;
            this.start = start;
            this.isClosed = isClosed;
        }

        /** Returns the running server, starting it (blocking until it accepts connections) if there is none. */
        synchronized S get() {
            if (failure != null) {
                throw new IllegalStateException(
                        "Embedded " + name + " failed to start earlier in this JVM: " + failure.getMessage(), failure);
            }
            if (instance == null || isClosed.test(instance)) {
                try {
                    instance = start.start();
                } catch (IOException | RuntimeException e) {
                    failure = new IllegalStateException("Cannot start embedded " + name + ": " + e.getMessage(), e);
                    throw failure;
                }
            }
            return instance;
        }
    }
}
