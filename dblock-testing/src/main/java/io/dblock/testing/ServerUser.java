package io.dblock.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operating-system user that runs initdb and postgres: the current one, or {@code nobody} when the JVM runs as root,
 * because PostgreSQL refuses to run as root ({@code "initdb: cannot be run as root"}), as it would on many CI machines.
 */
final class ServerUser {

    private static final String UNPRIVILEGED = "nobody";

    private final List<String> commandPrefix;
    private final Integer uid;
    private final Integer gid;

    private ServerUser(List<String> commandPrefix, Integer uid, Integer gid) {
        this.commandPrefix = commandPrefix;
        this.uid = uid;
        this.gid = gid;
    }

    static ServerUser detect() throws IOException {
        if (effectiveUid() != 0) {
            return new ServerUser(List.of(), null, null);
        }
        int uid = Integer.parseInt(run("id", "-u", UNPRIVILEGED));
        int gid = Integer.parseInt(run("id", "-g", UNPRIVILEGED));
        Path setpriv = find("setpriv");
        if (setpriv != null) {
            return new ServerUser(
                    List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"), uid, gid);
        }
        Path runuser = find("runuser");
        if (runuser != null) {
            return new ServerUser(List.of(runuser.toString(), "-u", UNPRIVILEGED, "--"), uid, gid);
        }
        throw new IllegalStateException("The JVM runs as root, which PostgreSQL refuses; to run it as '" + UNPRIVILEGED
                + "' this kit needs setpriv or runuser (util-linux) on the PATH. Alternatively run the build as"
                + " another user or set " + TestDatabase.POSTGRES_URL_ENV + ".");
    }

    /** Whether this JVM runs as root, which both PostgreSQL and MariaDB refuse by default. */
    static boolean isRoot() throws IOException {
        return effectiveUid() == 0;
    }

    /** Words to put before a PostgreSQL command so that it runs as this user. */
    List<String> commandPrefix() {
        return commandPrefix;
    }

    boolean switchesUser() {
        return uid != null;
    }

    /** Makes this user the owner of a directory the server must write to, such as the data directory. */
    void takeOwnership(Path directory) throws IOException {
        if (switchesUser()) {
            Files.setAttribute(directory, "unix:uid", uid);
            Files.setAttribute(directory, "unix:gid", gid);
        }
    }

    /** Fails clearly if this user could not reach {@code directory}, rather than letting initdb fail obscurely. */
    void checkCanTraverse(Path directory) throws IOException {
        if (!switchesUser()) {
            return;
        }
        for (Path dir = directory.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("PostgreSQL runs as '" + UNPRIVILEGED + "' because the JVM runs as"
                        + " root, but that user cannot enter " + dir + " (on the way to " + directory + ")."
                        + " Point java.io.tmpdir at a world-accessible directory such as /tmp.");
            }
        }
    }

    @Override
    public String toString() {
        return switchesUser()
                ? UNPRIVILEGED + " (uid " + uid + ", via " + commandPrefix.get(0) + ")"
                : "the current user";
    }

    private static int effectiveUid() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    // Real, effective, saved set, file system.
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        }
        return Integer.parseInt(run("id", "-u"));
    }

    /** Looks in PATH and then the usual system directories, which root's PATH may lack (runuser is in sbin). */
    private static Path find(String command) {
        String path = System.getenv("PATH");
        String dirs = (path == null ? "" : path + ":") + "/usr/bin:/bin:/usr/sbin:/sbin";
        for (String dir : dirs.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return Path.of(dir, command).toAbsolutePath();
            }
        }
        return null;
    }

    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + String.join(" ", command), e);
        } finally {
            process.destroy();
        }
    }
}
