package io.dblock.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * One running database server child process with its own instance directory, listening on a port of 127.0.0.1 that
 * was free when it started: what {@link PostgresServer} and {@link MariaDbServer} start, and the embedded servers
 * restart and stop. How to run the engine's server program is its {@link Launcher}'s business; this class picks the
 * port, waits until the server accepts connections, and keeps the port across restarts.
 */
final class ServerProcess {

    /** How one engine's installation runs its server program on one instance directory. */
    interface Launcher {

        /** The server program, for messages: {@code "postgres"}, {@code "mariadbd"}. */
        String program();

        /** Starts the server on {@code port}, its output appended to its log. */
        Process launch(int port) throws IOException;

        /** Stops a server that {@link #launch(int)} started, forcibly if it does not exit in time. */
        void stop(Process server) throws IOException;

        /** A data source whose connections succeed once the server on {@code port} accepts clients. */
        DataSource readinessProbe(int port);

        /** The log that {@link #launch(int)} appends the server's output to. */
        Path logFile();

        /** The last lines of the server's log, empty if there is none. */
        default String logTail() throws IOException {
            return ServerLog.tail(logFile());
        }

        /** {@link #logTail()} as the end of an error message, or a note that the log is empty. */
        default String logTailForMessage() throws IOException {
            return ServerLog.tailForMessage(logFile());
        }
    }

    private static final int PORT_ATTEMPTS = 3;

    final Path instanceDir;
    final int port;
    private final Launcher launcher;
    private final Duration startTimeout;
    /** The running server; replaced by {@link #restart()}. */
    private volatile Process process;

    private ServerProcess(Path instanceDir, Launcher launcher, Duration startTimeout, Process process, int port) {
        this.instanceDir = instanceDir;
        this.launcher = launcher;
        this.startTimeout = startTimeout;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the server on a free port and returns once it accepts connections, trying another port if someone took
     * the first between our probe and the server binding it.
     *
     * @param startTimeout how long the server may take to accept connections before it is stopped and this fails
     */
    static ServerProcess startOnFreePort(Path instanceDir, Launcher launcher, Duration startTimeout)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Process process = launcher.launch(port);
            if (awaitReady(launcher, process, port, startTimeout)) {
                return new ServerProcess(instanceDir, launcher, startTimeout, process, port);
            }
            // Another process took the port between our probe and the server binding it.
            if (attempt == PORT_ATTEMPTS || !launcher.logTail().contains("Address already in use")) {
                throw new IOException(launcher.program() + " exited with code " + process.exitValue()
                        + " during startup" + launcher.logTailForMessage());
            }
        }
    }

    /** Prepares a new instance directory and starts its server there. */
    interface Setup {
        ServerProcess start(Path instanceDir) throws IOException;
    }

    /**
     * Creates a new instance directory {@code runRoot/run-*} with this JVM's pid in it, by which {@link StaleInstances}
     * tells the directories of JVMs that died, and has {@code setup} start a server there. If that fails, stops what
     * server {@code leftover} finds there and deletes the directory.
     */
    static ServerProcess startInNewDirectory(Path runRoot, StaleInstances.Server leftover, Setup setup)
            throws IOException {
        // createTempDirectory makes it 0700; setup may open it up.
        Path instanceDir = Files.createTempDirectory(runRoot, "run-");
        try {
            Files.writeString(
                    instanceDir.resolve(StaleInstances.JVM_PID_FILE),
                    Long.toString(ProcessHandle.current().pid()));
            return setup.start(instanceDir);
        } catch (IOException | RuntimeException e) {
            try {
                leftover.stopAndDelete(instanceDir);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The running server process this JVM started last (by a start or {@link #restart()}); it may have exited. */
    Process process() {
        return process;
    }

    /** Stops the server and deletes its instance directory. */
    void stop() throws IOException {
        launcher.stop(process);
        PathUtils.deleteRecursively(instanceDir);
    }

    /**
     * Stops the server, then starts a new one on the same port and data directory, returning once it accepts
     * connections. The caller serialises calls.
     */
    void restart() throws IOException {
        launcher.stop(process);
        Process restarted = launcher.launch(port);
        if (!awaitReady(launcher, restarted, port, startTimeout)) {
            throw new IOException(launcher.program() + " exited with code " + restarted.exitValue()
                    + " while restarting on port " + port + launcher.logTailForMessage());
        }
        process = restarted;
    }

    /**
     * Polls with real connections, the only reliable sign that the server accepts them: true once one succeeds, false
     * if the server exits first (its log says why). Stops the server if it takes longer than {@code timeout}.
     */
    private static boolean awaitReady(Launcher launcher, Process process, int port, Duration timeout)
            throws IOException {
        DataSource probe = launcher.readinessProbe(port);
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastError = "none";
        while (true) {
            if (!process.isAlive()) {
                return false;
            }
            try {
                probe.getConnection().close();
                return true;
            } catch (SQLException e) {
                lastError = e.getMessage();
            }
            if (System.nanoTime() - deadline >= 0) {
                launcher.stop(process);
                throw new IOException(launcher.program() + " did not accept connections on port " + port + " within "
                        + timeout.toSeconds() + " s; last error: " + lastError + launcher.logTailForMessage());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                launcher.stop(process);
                throw new IOException("Interrupted while starting " + launcher.program(), e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** Waits up to {@code timeout} for a process to exit; true if it has. */
    static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return !handle.isAlive();
        }
    }

    /**
     * Waits up to {@code timeout} for a command to finish and returns its exit code; kills it if it takes longer or
     * this thread is interrupted.
     *
     * @param command what ran, for messages: {@code "initdb"}, {@code "mariadbd --bootstrap"}
     */
    static int awaitExitCode(Process process, Duration timeout, String command) throws IOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " did not finish in " + timeout.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("Interrupted while waiting for " + command, e);
        }
    }
}
