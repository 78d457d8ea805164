package io.dblock.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One jar of a Maven repository, fetched into the local Maven repository the way Maven itself lays it out, so that a
 * later build (or Maven) finds it there: {@code <local>/<group path>/<artifact>/<version>/<artifact>-<version>.jar}.
 *
 * <p>The local repository is the system property {@code maven.repo.local} if set, else {@code ~/.m2/repository}. The
 * remote one is the system property {@value #REMOTE_PROPERTY} or the environment variable {@value #REMOTE_ENV} if set
 * (a mirror: any {@code https:}, {@code http:} or {@code file:} URL), else Maven Central; Maven's own {@code
 * settings.xml} is not read. A download is checked against the repository's {@code .sha1} file and moved into place only when it
 * matches, so an interrupted or corrupt download never stays behind. Safe to call from several JVMs at once: each
 * downloads to a file of its own and the first complete copy wins.
 */
final class MavenJar {

    /** Names the Maven repository to fetch from instead of Maven Central. */
    static final String REMOTE_ENV = "DBLOCK_TEST_MAVEN_REPOSITORY";

    /** The same as a system property, which wins over the environment variable. */
    static final String REMOTE_PROPERTY = "dblock.testing.maven-repository";

    static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    private static final System.Logger LOG = System.getLogger(MavenJar.class.getName());

    private final String group;
    private final String artifact;
    private final String version;

    MavenJar(String group, String artifact, String version) {
        this.group = group;
        this.artifact = artifact;
        this.version = version;
    }

    /** {@code group:artifact:version}, as a POM or Maven's own messages name it. */
    String coordinates() {
        return group + ":" + artifact + ":" + version;
    }

    /** The jar's path below a repository's root. */
    String path() {
        return group.replace('.', '/') + "/" + artifact + "/" + version + "/" + artifact + "-" + version + ".jar";
    }

    static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    static String remoteRepository() {
        String configured = System.getProperty(REMOTE_PROPERTY, System.getenv(REMOTE_ENV));
        String remote = configured == null || configured.isBlank() ? CENTRAL : configured.trim();
        return remote.endsWith("/") ? remote : remote + "/";
    }

    /**
     * Returns the jar in {@code local}, downloading it from {@code remote} first if it is not there.
     *
     * @throws IOException if it is not in {@code local} and cannot be downloaded, or its checksum does not match
     */
    Path fetch(Path local, String remote) throws IOException {
        Path target = local.resolve(path());
        if (Files.isRegularFile(target)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path partial =
                Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
            String url = remote + path();
            LOG.log(Level.INFO, "Downloading " + coordinates() + " from " + url + " into " + target + " (once)");
            String expected = sha1File(url + ".sha1");
            String actual = download(url, partial);
            if (!actual.equals(expected)) {
                throw new IOException(
                        "the download of " + url + " has SHA-1 " + actual + ", the repository says " + expected);
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static String download(String url, Path destination) throws IOException {
        MessageDigest sha1 = sha1();
        try (InputStream in = new DigestInputStream(open(url), sha1);
                OutputStream out = Files.newOutputStream(destination)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(sha1.digest());
    }

    /** The first word of a {@code .sha1} file (some repositories add the file name after it). */
    private static String sha1File(String url) throws IOException {
        try (InputStream in = open(url)) {
            String text = new String(in.readNBytes(1024), StandardCharsets.US_ASCII).trim();
            String word = text.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
            if (!word.matches("[0-9a-f]{40}")) {
                throw new IOException(url + " holds no SHA-1: '" + text + "'");
            }
            return word;
        }
    }

    private static InputStream open(String url) throws IOException {
        URLConnection connection = URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(30_000);
        connection.setReadTimeout(60_000);
        return connection.getInputStream();
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
    }
}
