package io.dblock.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Runs initdb, postgres and pg_ctl of one installation on one data directory, as the {@link ServerUser}. */
final class ServerCommands implements ServerProcess.Launcher {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    // Durability is worthless for a throw-away test server; the lock settings suit many-session lock tests.
    private static final List<String> SETTINGS = List.of(
            "listen_addresses=127.0.0.1",
            "unix_socket_directories=",
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            "max_connections=300",
            "max_locks_per_transaction=256",
            "deadlock_timeout=100ms");

    final Path installDir;
    final Path dataDir;
    final ServerUser user;
    /** {@code name=value} settings passed as {@code -c} after {@link #SETTINGS}, which they may override. */
    private final List<String> extraSettings;

    ServerCommands(Path installDir, Path dataDir, ServerUser user) {
        this(installDir, dataDir, user, List.of());
    }

    /** With more {@code name=value} settings for the server, passed as {@code -c} after the test settings. */
    ServerCommands(Path installDir, Path dataDir, ServerUser user, List<String> extraSettings) {
        this.installDir = installDir;
        this.dataDir = dataDir;
        this.user = user;
        this.extraSettings = List.copyOf(extraSettings);
    }

    @Override
    public Path logFile() {
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
        int exit = ServerProcess.awaitExitCode(process, Duration.ofSeconds(120), "initdb");
        if (exit != 0) {
            throw new IOException("initdb failed (exit code " + exit + ") as " + user + ServerLog.tailForMessage(log));
        }
    }

    @Override
    public String program() {
        return "postgres";
    }

    @Override
    public Process launch(int port) throws IOException {
        List<String> args = new ArrayList<>(List.of("-D", dataDir.toString(), "-p", Integer.toString(port)));
        for (String setting : SETTINGS) {
            args.add("-c");
            args.add(setting);
        }
        for (String setting : extraSettings) {
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
    @Override
    public void stop(Process process) throws IOException {
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
                stopped = ServerProcess.awaitExitCode(pgCtl, STOP_TIMEOUT.plusSeconds(5), "pg_ctl stop") == 0;
            } catch (IOException e) {
                stopped = false;
            }
        } else if (process != null) {
            process.destroy();
        }
        if (process != null && !ServerProcess.awaitExit(process.toHandle(), STOP_TIMEOUT)) {
            process.destroyForcibly();
        }
        if (!stopped) {
            postmaster
                    .filter(handle -> !ServerProcess.awaitExit(handle, STOP_TIMEOUT))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * Immediate shutdown with pg_ctl, as a crash would end the server: every process quits without a checkpoint, and
     * the next start runs crash recovery. Returns once the postmaster has exited, forcing it if pg_ctl fails. {@code
     * process} is the child this JVM started.
     */
    void stopImmediately(Process process) throws IOException {
        Optional<ProcessHandle> postmaster = postmaster(dataDir);
        if (postmaster.isPresent()) {
            String timeout = Long.toString(STOP_TIMEOUT.toSeconds());
            Process pgCtl = builder("pg_ctl", "stop", "-D", dataDir.toString(), "-m", "immediate", "-w", "-t", timeout)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
            if (ServerProcess.awaitExitCode(pgCtl, STOP_TIMEOUT.plusSeconds(5), "pg_ctl stop -m immediate") != 0) {
                postmaster
                        .filter(handle -> !ServerProcess.awaitExit(handle, STOP_TIMEOUT))
                        .ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        if (process != null && !ServerProcess.awaitExit(process.toHandle(), STOP_TIMEOUT)) {
            process.destroyForcibly();
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

    @Override
    public DataSource readinessProbe(int port) {
        return PostgresServer.dataSource(port, "postgres");
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
}
