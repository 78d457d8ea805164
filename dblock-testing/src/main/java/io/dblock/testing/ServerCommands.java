package io.dblock.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs initdb, postgres and pg_ctl of one installation on one data directory, as the {@link ServerUser}. */
final class ServerCommands {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int TAIL_LINES = 40;

    final Path installDir;
    final Path dataDir;
    final ServerUser user;

    ServerCommands(Path installDir, Path dataDir, ServerUser user) {
        this.installDir = installDir;
        this.dataDir = dataDir;
        this.user = user;
    }

    Path logFile() {
        return dataDir.resolve("postgres.log");
    }

    void initdb(Path log) throws IOException {
        // --no-sync: nothing to gain from flushing a throw-away cluster to disk.
        Process process = builder(
                        "initdb",
                        "-D",
                        dataDir.toString(),
                        "-U",
                        PostgresServer.USER,
                        "-A",
                        "trust",
                        "-E",
                        "UTF8",
                        "--locale=C",
                        "--no-sync")
                .redirectOutput(log.toFile())
                .start();
        int exit = waitFor(process, Duration.ofSeconds(120));
        if (exit != 0) {
            throw new IOException("initdb failed (exit code " + exit + ") as " + user + tailForMessage(log));
        }
    }

    Process postgres(int port, List<String> settings) throws IOException {
        List<String> args = new ArrayList<>(List.of("-D", dataDir.toString(), "-p", Integer.toString(port)));
        for (String setting : settings) {
            args.add("-c");
            args.add(setting);
        }
        // Appended, so that a restart keeps the log of the earlier run.
        return builder("postgres", args.toArray(String[]::new))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
    }

    /**
     * Fast shutdown (roll back and disconnect clients) with pg_ctl, then force whatever is still running. {@code
     * process} is the child this JVM started, or {@code null} for a server another JVM left behind.
     */
    void stop(Process process) throws IOException {
        Optional<ProcessHandle> postmaster = postmaster(dataDir);
        boolean stopped = false;
        if (postmaster.isPresent()) {
            String timeout = Long.toString(STOP_TIMEOUT.toSeconds());
            Process pgCtl = builder("pg_ctl", "stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", timeout)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                // With -w, success means the postmaster has exited: no need to watch it, which for a process that is
                // not our child means polling, and seeing it "alive" until its new parent reaps the zombie.
                stopped = waitFor(pgCtl, STOP_TIMEOUT.plusSeconds(5)) == 0;
            } catch (IOException e) {
                stopped = false;
            }
        } else if (process != null) {
            process.destroy();
        }
        if (process != null && !PostgresServer.waitFor(process.toHandle(), STOP_TIMEOUT)) {
            process.destroyForcibly();
        }
        if (!stopped) {
            postmaster
                    .filter(handle -> !PostgresServer.waitFor(handle, STOP_TIMEOUT))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** The postmaster named by {@code postmaster.pid}, if that process still exists and runs postgres. */
    static Optional<ProcessHandle> postmaster(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                .filter(handle -> handle.info().command().orElse("").endsWith("postgres"));
    }

    /** Stops a server left in {@code instanceDir} (if any) and deletes the directory. */
    static void stopAndDelete(Path instanceDir, Path installDir, ServerUser user) throws IOException {
        new ServerCommands(installDir, instanceDir.resolve("data"), user).stop(null);
        PathUtils.deleteRecursively(instanceDir);
    }

    String logTail() throws IOException {
        return tail(logFile());
    }

    String logTailForMessage() throws IOException {
        return tailForMessage(logFile());
    }

    private ProcessBuilder builder(String program, String... args) {
        List<String> command = new ArrayList<>(user.commandPrefix());
        command.add(installDir.resolve("bin").resolve(program).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(installDir.toFile());
        builder.redirectErrorStream(true);
        // English messages (the log is searched for "Address already in use") and a C-locale cluster.
        builder.environment().put("LC_ALL", "C");
        builder.environment().put("LANG", "C");
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        return builder;
    }

    private static int waitFor(Process process, Duration timeout) throws IOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(process.info().command().orElse("process") + " did not finish in " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException(
                    "Interrupted while waiting for " + process.info().command().orElse("a process"), e);
        }
    }

    private static String tail(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return "";
        }
        String[] lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n");
        int from = Math.max(0, lines.length - TAIL_LINES);
        return String.join("\n", List.of(lines).subList(from, lines.length));
    }

    private static String tailForMessage(Path log) throws IOException {
        String tail = tail(log);
        return tail.isEmpty() ? " (" + log + " is empty)" : "\n--- last lines of " + log + " ---\n" + tail;
    }
}
