package io.dblock.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Removes what JVMs that died without running their shutdown hook (killed test forks, for example) left behind: their
 * database servers, which would otherwise run forever, and half-extracted binaries.
 */
final class StaleInstances {

    /** The file in an instance directory that names the JVM that created it. */
    static final String JVM_PID_FILE = "jvm.pid";

    private static final Duration ABANDONED_STAGING_AGE = Duration.ofHours(1);

    /** How to find and stop the server of one kind of instance directory. */
    interface Server {
        /** The server process the instance's pid file names, if it is still running; never another program. */
        Optional<ProcessHandle> find(Path instanceDir) throws IOException;

        /** The pid file the server writes into the instance directory. */
        Path pidFile(Path instanceDir);

        /** Stops the instance's server, if any, and deletes the directory. */
        void stopAndDelete(Path instanceDir) throws IOException;
    }

    private StaleInstances() {}

    static void clean(Path runRoot, String engine, Server server) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(runRoot)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith("run-") && ownerIsGone(entry, server)) {
                    server.stopAndDelete(entry);
                } else if (name.contains(".tmp-") && isOlderThan(entry, ABANDONED_STAGING_AGE)) {
                    PathUtils.deleteRecursively(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a leftover must never keep this JVM's server from starting.
            System.getLogger(StaleInstances.class.getName())
                    .log(System.Logger.Level.WARNING, "Cleaning up stale embedded " + engine + " instances failed", e);
        }
    }

    /**
     * True if the JVM that created the instance has exited. An instance still being created has no pid file yet and is
     * left alone; so is one whose JVM is not visible to us, because its pid then says nothing.
     */
    private static boolean ownerIsGone(Path instanceDir, Server server) throws IOException {
        Path pidFile = instanceDir.resolve(JVM_PID_FILE);
        if (!Files.isRegularFile(pidFile)) {
            return false;
        }
        String pid = Files.readString(pidFile).strip();
        if (!pid.matches("\\d+")) {
            return false;
        }
        if (ProcessHandle.of(Long.parseLong(pid)).isPresent()) {
            return false;
        }
        // A pid file naming a process we cannot see may belong to another PID namespace: leave it alone.
        return !Files.exists(server.pidFile(instanceDir))
                || server.find(instanceDir).isPresent();
    }

    private static boolean isOlderThan(Path path, Duration age) throws IOException {
        return Files.getLastModifiedTime(path)
                .toInstant()
                .isBefore(Instant.now().minus(age));
    }
}
