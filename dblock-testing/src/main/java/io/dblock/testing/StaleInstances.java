package io.dblock.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Removes what JVMs that died without running their shutdown hook (killed test forks, for example) left behind: their
 * postgres servers, which would otherwise run forever, and half-extracted binaries.
 */
final class StaleInstances {

    private static final Duration ABANDONED_STAGING_AGE = Duration.ofHours(1);

    private StaleInstances() {}

    static void clean(Path runRoot, Path installDir, ServerUser user) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(runRoot)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith("run-") && ownerIsGone(entry)) {
                    ServerCommands.stopAndDelete(entry, installDir, user);
                } else if (name.contains(".tmp-") && isOlderThan(entry, ABANDONED_STAGING_AGE)) {
                    PathUtils.deleteRecursively(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a leftover must never keep this JVM's server from starting.
            System.getLogger(StaleInstances.class.getName())
                    .log(System.Logger.Level.WARNING, "Cleaning up stale embedded PostgreSQL instances failed", e);
        }
    }

    /**
     * True if the JVM that created the instance has exited. An instance still being created has no pid file yet and is
     * left alone; so is one whose JVM is not visible to us, because its pid then says nothing.
     */
    private static boolean ownerIsGone(Path instanceDir) throws IOException {
        Path pidFile = instanceDir.resolve(PostgresServer.JVM_PID_FILE);
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
        Path dataDir = instanceDir.resolve("data");
        // A pid file naming a process we cannot see may belong to another PID namespace: leave it alone.
        return !Files.exists(dataDir.resolve("postmaster.pid"))
                || ServerCommands.postmaster(dataDir).isPresent();
    }

    private static boolean isOlderThan(Path path, Duration age) throws IOException {
        return Files.getLastModifiedTime(path)
                .toInstant()
                .isBefore(Instant.now().minus(age));
    }
}
